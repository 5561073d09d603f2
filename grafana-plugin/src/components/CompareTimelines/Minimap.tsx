// The whole of both runs in one strip beside the step list: a mark where the runs diverge (warning colour) and
// where aligned calls answered differently (info colour), and a frame for the rows in view. A mark scrolls there.
import { cx } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import { getStyles } from './styles';

/** At most this many marks of each kind: a mark is a few pixels high, more would only stack (and grow the DOM). */
const MAX_MARKS = 200;

interface Mark {
  row: number;
  /** 0–100: where in the strip. */
  top: number;
}

/** The first row of each of MAX_MARKS buckets that holds one. */
function marksOf(rows: readonly number[], total: number): Mark[] {
  const seen = new Set<number>();
  const out: Mark[] = [];
  for (const row of rows) {
    const bucket = Math.floor((row / Math.max(1, total)) * MAX_MARKS);
    if (seen.has(bucket)) continue;
    seen.add(bucket);
    out.push({ row, top: (row / Math.max(1, total)) * 100 });
  }
  return out;
}

export interface MinimapProps {
  total: number;
  divergences: readonly number[];
  outputDifferences: readonly number[];
  /** The rows in view, as fractions of all rows (0–1). */
  view: { from: number; to: number };
  onJump: (row: number) => void;
}

export function Minimap({ total, divergences, outputDifferences, view, onJump }: MinimapProps) {
  const styles = useStyles2(getStyles);
  const mark = (m: Mark, kind: 'divergence' | 'output') => (
    <button
      key={`${kind}-${m.row}`}
      type="button"
      className={cx(styles.mark, kind === 'divergence' ? styles.markDivergence : styles.markOutput)}
      style={{ top: `calc(${m.top}% - 2px)` }}
      aria-label={`${kind === 'divergence' ? 'Divergence' : 'Output difference'} at row ${m.row + 1}`}
      title={`${kind === 'divergence' ? 'Steps diverge' : 'Outputs differ'} at row ${m.row + 1}`}
      data-testid={`minimap-${kind}`}
      onClick={() => onJump(m.row)}
    />
  );
  return (
    <div className={styles.minimap} data-testid="compare-minimap">
      <div
        className={styles.viewport}
        style={{ top: `${view.from * 100}%`, height: `${Math.max(1, (view.to - view.from) * 100)}%` }}
      />
      {marksOf(outputDifferences, total).map((m) => mark(m, 'output'))}
      {marksOf(divergences, total).map((m) => mark(m, 'divergence'))}
    </div>
  );
}
