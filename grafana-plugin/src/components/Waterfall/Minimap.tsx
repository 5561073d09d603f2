// The minimap: the whole trace at a glance (spans by depth, coloured by kind), errors and analysis findings as
// ticks, search matches below, and the zoomed range drawn on it; drag across it to zoom, click a tick to go there.
// A plain SVG: @xyflow/react's MiniMap draws a graph's nodes, not a time strip, and this is a few hundred rects.
import type { SpanView } from '@beacon/collector/api-contract';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { useMemo } from 'react';
import { formatDuration } from '../../utils/format';
import { endMs, isError, type SpanTree, spanNodeKind, startMs } from '../../utils/spans';
import { findingColor, kindColor } from '../common/kinds';
import { getStyles } from './styles';
import type { TimeRange } from './TimeRuler';
import { useBrush } from './useBrush';

const WIDTH = 1000;
const HEIGHT = 40;
const BUCKETS = 250;
/** Depths drawn: deeper spans share the last band. */
const BANDS = 5;
const BAND_TOP = 6;
const BAND_HEIGHT = (HEIGHT - BAND_TOP - 6) / BANDS;

interface MinimapProps {
  spans: readonly SpanView[];
  tree: SpanTree;
  bounds: TimeRange;
  view: TimeRange;
  zoomed: boolean;
  findingIds?: ReadonlySet<string>;
  matchIds: readonly string[];
  onZoom: (range: TimeRange) => void;
  onJump: (spanId: string) => void;
}

interface Cell {
  band: number;
  from: number;
  to: number;
  kind: ReturnType<typeof spanNodeKind>;
}

/** Spans by depth band into BUCKETS columns; runs of one kind merged into one rect. */
function overviewCells(spans: readonly SpanView[], tree: SpanTree, bounds: TimeRange): Cell[] {
  const total = Math.max(bounds.end - bounds.start, 1e-6);
  const grid: (ReturnType<typeof spanNodeKind> | undefined)[][] = Array.from({ length: BANDS }, () => []);
  const bucketOf = (ms: number) => Math.min(BUCKETS - 1, Math.floor(((ms - bounds.start) / total) * BUCKETS));
  for (const span of spans) {
    const band = Math.min(BANDS - 1, tree.depth.get(span.spanId) ?? 0);
    const row = grid[band]!;
    for (let b = bucketOf(startMs(span)); b <= bucketOf(endMs(span)); b++) row[b] = spanNodeKind(span);
  }
  const cells: Cell[] = [];
  grid.forEach((row, band) => {
    let run: Cell | undefined;
    for (let b = 0; b <= BUCKETS; b++) {
      const kind = row[b];
      if (run && kind === run.kind) {
        run.to = b + 1;
        continue;
      }
      if (run) cells.push(run);
      run = kind ? { band, from: b, to: b + 1, kind } : undefined;
    }
  });
  return cells;
}

export function Minimap({
  spans,
  tree,
  bounds,
  view,
  zoomed,
  findingIds,
  matchIds,
  onZoom,
  onJump,
}: MinimapProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const total = Math.max(bounds.end - bounds.start, 1e-6);
  const x = (ms: number) => Math.max(0, Math.min(WIDTH, ((ms - bounds.start) / total) * WIDTH));
  const brush = useBrush((from, to) =>
    onZoom({ start: bounds.start + from * total, end: bounds.start + to * total }),
  );
  const cells = useMemo(() => overviewCells(spans, tree, bounds), [spans, tree, bounds]);
  const errors = useMemo(() => spans.filter(isError), [spans]);
  const findings = useMemo(() => spans.filter((s) => findingIds?.has(s.spanId)), [spans, findingIds]);
  const ticks = (ids: readonly SpanView[], testId: string, color: string, y: number, h: number, w: number) =>
    ids.map((s) => (
      // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; a tick is a shortcut, the row is the real control
      <rect
        key={`${testId}-${s.spanId}`}
        data-testid={testId}
        data-span-id={s.spanId}
        x={x(startMs(s)) - w / 2}
        y={y}
        width={w}
        height={h}
        fill={color}
        style={{ cursor: 'pointer' }}
        role="button"
        tabIndex={-1}
        aria-label={`Go to ${s.name}`}
        onPointerDown={(e) => e.stopPropagation()}
        onClick={() => onJump(s.spanId)}
        onKeyDown={(e) => e.key === 'Enter' && onJump(s.spanId)}
      >
        <title>{`${s.name} at ${formatDuration(startMs(s) - bounds.start)}`}</title>
      </rect>
    ));
  // Thousands of matches: one tick per column that holds any (the first of them), not a tick each.
  const matches = useMemo(() => {
    const first = new Map<number, SpanView>();
    for (const id of matchIds) {
      const span = tree.byId.get(id);
      if (!span) continue;
      const column = Math.floor(((startMs(span) - bounds.start) / total) * BUCKETS);
      if (!first.has(column)) first.set(column, span);
    }
    return [...first.values()];
  }, [matchIds, tree, bounds, total]);
  return (
    <div
      className={styles.minimap}
      data-testid="timeline-minimap"
      title="The whole trace: drag across it to zoom; red ticks are errors, yellow ones findings"
      {...brush.handlers}
    >
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="Trace overview"
      >
        {cells.map((c) => (
          <rect
            key={`${c.band}-${c.from}`}
            x={(c.from / BUCKETS) * WIDTH}
            y={BAND_TOP + c.band * BAND_HEIGHT}
            width={((c.to - c.from) / BUCKETS) * WIDTH}
            height={BAND_HEIGHT - 1}
            fill={kindColor(theme, c.kind)}
            opacity={0.6}
          />
        ))}
        {zoomed && (
          <>
            <rect
              x={0}
              y={0}
              width={x(view.start)}
              height={HEIGHT}
              fill={theme.colors.background.canvas}
              opacity={0.7}
            />
            <rect
              x={x(view.end)}
              y={0}
              width={WIDTH - x(view.end)}
              height={HEIGHT}
              fill={theme.colors.background.canvas}
              opacity={0.7}
            />
            <rect
              data-testid="minimap-window"
              x={x(view.start)}
              y={0.5}
              width={Math.max(1, x(view.end) - x(view.start))}
              height={HEIGHT - 1}
              fill="none"
              stroke={theme.colors.primary.main}
              strokeWidth={2}
              vectorEffect="non-scaling-stroke"
            />
          </>
        )}
        {ticks(matches, 'minimap-match', theme.colors.warning.main, HEIGHT - 5, 5, 2)}
        {ticks(errors, 'minimap-error', theme.colors.error.main, 0, HEIGHT - 6, 4)}
        {ticks(findings, 'minimap-finding', findingColor(theme), 0, 8, 8)}
        {brush.selection && (
          <rect
            x={brush.selection.from * WIDTH}
            y={0}
            width={(brush.selection.to - brush.selection.from) * WIDTH}
            height={HEIGHT}
            fill={theme.colors.primary.transparent}
            stroke={theme.colors.primary.border}
            vectorEffect="non-scaling-stroke"
          />
        )}
      </svg>
    </div>
  );
}
