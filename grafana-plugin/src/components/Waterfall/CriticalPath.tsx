// What the timeline says about the critical path, and the two lists under it: the slowest spans, and the heaviest
// links of the critical path (most self time), where the run's time went.
import type { SpanView } from '@beacon/collector/api-contract';
import { Stack, Text, useStyles2 } from '@grafana/ui';
import { formatDuration } from '../../utils/format';
import type { CriticalPathSummary, SlowSpan, SpanSelfTime } from '../../utils/timeline';
import { getStyles } from './styles';

/** A share of the run; a tenth of a percent below 1% (a 30 s call in a 2-hour run is 0.4%, not "0%"). */
function share(ms: number, total: number): string {
  if (!(total > 0)) return '–';
  const pct = (ms / total) * 100;
  return pct >= 1 || pct === 0 ? `${Math.round(pct)}%` : pct < 0.1 ? '<0.1%' : `${pct.toFixed(1)}%`;
}

/** One line: the path, and when it is the whole run or too long to mark, what is marked instead. */
export function CriticalPathNote({
  summary,
  spanCount,
}: {
  summary: CriticalPathSummary;
  spanCount: number;
}) {
  const { pathIds, sequential, durationMs, heavyLinks, heavyShare, wholePathMarked } = summary;
  const path = sequential
    ? `Purely sequential run: nothing ran in parallel, so the critical path is the whole run (${pathIds.length} spans, ${formatDuration(durationMs)}).`
    : `Critical path: ${pathIds.length} spans of ${spanCount}, ${formatDuration(durationMs)}.`;
  return (
    <Text color="secondary" variant="bodySmall" data-testid="critical-path-note">
      {path}
      {!wholePathMarked &&
        ` Marked: its ${heavyLinks.length} heaviest links (the spans with the most self time: ${share(heavyShare, 1)} of the run) and the spans they ran in.`}
    </Text>
  );
}

interface SpanListsProps {
  slowest: SlowSpan[];
  summary: CriticalPathSummary;
  onSelect?: (spanId: string) => void;
}

export function SpanLists({ slowest, summary, onSelect }: SpanListsProps) {
  const styles = useStyles2(getStyles);
  const heaviest = summary.heaviest.slice(
    0,
    Math.max(5, summary.wholePathMarked ? 5 : summary.heavyLinks.length),
  );
  const row = (span: SpanView, testId: string, second: string, third: string) => (
    <button
      type="button"
      key={span.spanId}
      className={styles.listRow}
      data-testid={testId}
      onClick={() => onSelect?.(span.spanId)}
    >
      <span className={styles.ellipsis} title={span.name}>
        {span.name}
      </span>
      <span>{second}</span>
      <span className={styles.muted}>{third}</span>
    </button>
  );
  return (
    <div className={styles.lists}>
      <div>
        <Text element="h4" variant="h6">
          Slowest spans
        </Text>
        <Stack direction="column" gap={0}>
          {slowest.map(({ span, selfMs }) =>
            row(
              span,
              `slow-span-${span.spanId}`,
              formatDuration(span.durationMs),
              `self ${formatDuration(selfMs)}${summary.marked.has(span.spanId) ? ' · critical' : ''}`,
            ),
          )}
        </Stack>
      </div>
      <div>
        <Text element="h4" variant="h6">
          Most self time on the critical path
        </Text>
        <Stack direction="column" gap={0}>
          {heaviest.map(({ span, selfMs }: SpanSelfTime) =>
            row(
              span,
              `heavy-span-${span.spanId}`,
              formatDuration(selfMs),
              `${share(selfMs, summary.durationMs)} of the run`,
            ),
          )}
        </Stack>
      </div>
    </div>
  );
}
