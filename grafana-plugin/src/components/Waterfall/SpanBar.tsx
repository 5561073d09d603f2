// One span's bar on the zoomed time axis, and its duration written beside it.
import type { SpanView } from '@beacon/collector/api-contract';
import { cx } from '@emotion/css';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { formatDuration } from '../../utils/format';
import { endMs, isError, spanNodeKind, startMs } from '../../utils/spans';
import { kindColor } from '../common/kinds';
import { getStyles } from './styles';
import type { TimeRange } from './TimeRuler';

export interface BarMarks {
  critical: boolean;
  /** Dim what is off the critical path. */
  dimOffPath: boolean;
  finding: boolean;
  selected: boolean;
}

interface SpanBarProps {
  span: SpanView;
  view: TimeRange;
  marks: BarMarks;
  /** The layout row, for tests and the compact layout's stacking. */
  row: number;
  /** Compact layout: the bar's top within the shared track, and its name written inside it. */
  top?: number;
  withName?: boolean;
  onSelect?: (spanId: string) => void;
}

/** Where a span sits on the view: fractions of its width (may fall outside 0–1 when zoomed). */
export function placeOnView(span: SpanView, view: TimeRange): { left: number; right: number } {
  const range = Math.max(view.end - view.start, 1e-6);
  return { left: (startMs(span) - view.start) / range, right: (endMs(span) - view.start) / range };
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(4)}%`;

export function SpanBar({ span, view, marks, row, top, withName, onSelect }: SpanBarProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const { left, right } = placeOnView(span, view);
  const visibleLeft = Math.max(left, -0.01);
  const visibleRight = Math.min(right, 1.01);
  const duration = formatDuration(span.durationMs);
  return (
    <button
      type="button"
      data-testid={`span-bar-${span.spanId}`}
      data-row={row}
      data-critical={marks.critical ? 'true' : 'false'}
      data-highlighted={marks.finding ? 'true' : 'false'}
      aria-pressed={marks.selected}
      aria-label={`${span.name}, ${duration}${marks.critical ? ', on the critical path' : ''}${marks.finding ? ', highlighted by a finding' : ''}`}
      title={`${span.name} — ${duration}${marks.critical ? ' (critical path)' : ''}`}
      className={cx(
        styles.bar,
        marks.dimOffPath && marks.critical && styles.critical,
        marks.dimOffPath && !marks.critical && styles.dimmed,
        isError(span) && styles.error,
        marks.finding && styles.finding,
        marks.selected && styles.selected,
      )}
      style={{
        left: pct(visibleLeft),
        width: `max(2px, ${pct(Math.max(0, visibleRight - visibleLeft))})`,
        background: kindColor(theme, spanNodeKind(span)),
        ...(top !== undefined && { top }),
      }}
      onClick={() => onSelect?.(span.spanId)}
    >
      {withName && (
        <span className={styles.barLabel}>
          {span.name} · {duration}
        </span>
      )}
    </button>
  );
}

/** The duration beside a bar: after its end, or before its start when the bar reaches the right edge. */
export function DurationLabel({ span, view }: { span: SpanView; view: TimeRange }) {
  const styles = useStyles2(getStyles);
  const { left, right } = placeOnView(span, view);
  if (right < 0 || left > 1) return null;
  const text = formatDuration(span.durationMs);
  const style =
    right < 0.82
      ? { left: `calc(${pct(Math.max(right, 0))} + 4px)` }
      : left > 0.12
        ? { right: `calc(${pct(1 - left)} + 4px)` }
        : { right: 4 };
  const inside = right >= 0.82 && left <= 0.12;
  return (
    <span
      className={cx(styles.duration, inside && styles.durationInside)}
      style={style}
      data-testid="bar-duration"
    >
      {text}
    </span>
  );
}
