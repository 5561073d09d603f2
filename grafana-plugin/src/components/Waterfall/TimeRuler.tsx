// The time ruler over the bars: round ticks of the zoomed range (time since the trace started); drag across it to
// zoom into a range.
import { useStyles2 } from '@grafana/ui';
import { formatDuration } from '../../utils/format';
import { ticks } from '../../utils/timeline';
import { getStyles } from './styles';
import { useBrush } from './useBrush';

/** A range of the trace in epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

interface TimeRulerProps {
  traceStart: number;
  view: TimeRange;
  onZoom: (range: TimeRange) => void;
}

export function TimeRuler({ traceStart, view, onZoom }: TimeRulerProps) {
  const styles = useStyles2(getStyles);
  const span = Math.max(view.end - view.start, 1e-6);
  const brush = useBrush((from, to) =>
    onZoom({ start: view.start + from * span, end: view.start + to * span }),
  );
  const from = view.start - traceStart;
  return (
    <div
      className={styles.ruler}
      data-testid="time-ruler"
      title="Drag across the ruler to zoom into a range"
      {...brush.handlers}
    >
      {ticks(from, from + span).map((t) => {
        const at = (t - from) / span;
        // Near the right edge the label goes left of its line, so it is not cut off.
        const style =
          at > 0.9
            ? { right: `${(1 - at) * 100}%`, borderLeft: 'none', borderRight: '1px solid', paddingRight: 3 }
            : { left: `${at * 100}%` };
        return (
          <span key={t} className={styles.tick} style={style}>
            {t === 0 ? '0' : formatDuration(t)}
          </span>
        );
      })}
      {brush.selection && (
        <div
          className={styles.brush}
          style={{
            left: `${brush.selection.from * 100}%`,
            width: `${(brush.selection.to - brush.selection.from) * 100}%`,
          }}
        />
      )}
    </div>
  );
}

/** Faint vertical lines at the ruler's ticks, behind the rows' bars. */
export function GridLines({ traceStart, view }: { traceStart: number; view: TimeRange }) {
  const styles = useStyles2(getStyles);
  const span = Math.max(view.end - view.start, 1e-6);
  const from = view.start - traceStart;
  return (
    <>
      {ticks(from, from + span).map((t) => (
        <span key={t} className={styles.gridLine} style={{ left: `${((t - from) / span) * 100}%` }} />
      ))}
    </>
  );
}
