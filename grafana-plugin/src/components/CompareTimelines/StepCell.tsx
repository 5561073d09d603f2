// One run's half of a row: its step number, the step indented by its depth in the tree (a link to the span), and
// a bar placing the span on that run's own time axis, with its duration.
import { cx } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { usePaths } from '../../api/context';
import type { CompareSide, RowKind } from '../../utils/compare';
import { formatDuration } from '../../utils/format';
import { getStyles, indentOf } from './styles';

export interface StepCellProps {
  side: CompareSide;
  /** Which run: 'a' (the baseline) or 'b'. */
  which: 'a' | 'b';
  /** Index into side.steps; null when only the other run has a step here. */
  index: number | null;
  kind: RowKind;
  outputDiffers: boolean;
}

export function StepCell({ side, which, index, kind, outputDiffers }: StepCellProps) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  if (index === null) {
    return (
      <div className={cx(styles.cell, styles.empty)} data-testid={`compare-step-${which}`}>
        <span className={styles.number} />
        {which === 'a' ? 'not in A' : 'not in B'}
      </div>
    );
  }
  const step = side.steps[index]!;
  const divergent = kind === 'changed' || kind === 'removed' || kind === 'added';
  const left = side.durationMs > 0 ? (step.startMs / side.durationMs) * 100 : 0;
  const width = side.durationMs > 0 ? (step.durationMs / side.durationMs) * 100 : 0;
  const failed = step.error !== null;
  return (
    <div className={styles.cell} data-testid={`compare-step-${which}`} data-step={index + 1}>
      <span className={styles.number}>{index + 1}</span>
      <span
        className={cx(styles.label, failed && styles.errorText)}
        style={{ paddingLeft: indentOf(step.depth) }}
        data-testid={divergent ? 'diverging-step' : undefined}
        title={`${step.label}${failed ? ` (failed: ${step.error})` : ''}`}
      >
        <Link to={paths.trace(side.traceId, step.spanId)} onClick={(e) => e.stopPropagation()}>
          {step.label}
        </Link>
      </span>
      {outputDiffers && <span className={styles.badge}>output differs</span>}
      <span className={styles.track} aria-hidden>
        <span
          className={cx(styles.bar, failed && styles.barError)}
          style={{ left: `${Math.min(left, 100)}%`, width: `${Math.min(width, 100 - left)}%` }}
        />
      </span>
      <span className={styles.duration}>{formatDuration(step.durationMs)}</span>
    </div>
  );
}
