import type { TraceSummary } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, Tooltip, useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { getTableStyles } from '../../components/common/tableStyles';
import {
  failureColor,
  failureLabel,
  isWarningCategory,
  LOOP_WARNING_TITLE,
  WARNING_COLOR,
  WARNING_ICON,
} from '../../utils/failures';
import { formatCost, formatDuration, formatTime, formatTokens, shortId } from '../../utils/format';
import { nsToMs } from '../../utils/spans';

export interface TraceTableProps {
  traces: TraceSummary[];
  selected: ReadonlySet<string>;
  onToggle: (traceId: string) => void;
}

export function TraceTable({ traces, selected, onToggle }: TraceTableProps) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  return (
    <table className={cx(styles.table, styles.hoverRows)} data-testid="trace-table">
      <thead>
        <tr>
          <th aria-label="Select to compare" />
          <th>Started</th>
          <th>Trace</th>
          <th>Agent</th>
          <th>Status</th>
          <th className={styles.num}>Duration</th>
          <th className={styles.num}>Spans</th>
          <th className={styles.num}>LLM / tools</th>
          <th className={styles.num}>Tokens in / out</th>
          <th className={styles.num}>Cost</th>
          <th>Tags</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={t.traceId} data-testid="trace-row">
            <td>
              <input
                type="checkbox"
                aria-label={`Select ${t.traceId} to compare`}
                checked={selected.has(t.traceId)}
                onChange={() => onToggle(t.traceId)}
              />
            </td>
            <td className={styles.nowrap}>{formatTime(nsToMs(t.startTimeUnixNano))}</td>
            <td>
              <Link to={paths.trace(t.traceId)} className={styles.link}>
                {t.rootSpanName || '(unnamed)'}
              </Link>
              <div className={styles.sub}>
                {t.rootServiceName} · <code>{shortId(t.traceId)}</code>
                {t.models.length > 0 ? ` · ${t.models.join(', ')}` : ''}
              </div>
            </td>
            <td>{t.rootAgent ?? (t.agents.length > 0 ? t.agents.join(', ') : '–')}</td>
            <td>
              <div className={styles.badges}>
                <StatusBadge trace={t} />
                {(t.failureCategories ?? [])
                  .filter((category) => !isWarningCategory(category))
                  .map((category) => (
                    <Badge
                      key={category}
                      text={failureLabel(category)}
                      color={failureColor(category)}
                      data-testid="failure-category"
                    />
                  ))}
                {(t.loopCallCount ?? 0) > 0 && (
                  <Badge
                    text="Loop"
                    color={WARNING_COLOR}
                    icon={WARNING_ICON}
                    tooltip={`${t.loopCallCount} calls in a loop. ${LOOP_WARNING_TITLE}`}
                    data-testid="loop-warning"
                  />
                )}
              </div>
            </td>
            <td className={styles.num}>{formatDuration(t.durationMs)}</td>
            <td className={styles.num}>{t.spanCount}</td>
            <td className={styles.num}>
              {t.llmCallCount} / {t.toolCallCount}
            </td>
            <td className={styles.num}>
              {formatTokens(t.inputTokens)} / {formatTokens(t.outputTokens)}
              {t.usageMissingCount > 0 && (
                <Tooltip content={`${t.usageMissingCount} model call(s) reported no token usage`}>
                  <Icon name="info-circle" className={styles.warn} />
                </Tooltip>
              )}
            </td>
            <td className={styles.num}>
              {formatCost(t.costUsd)}
              {t.unpricedCount > 0 && (
                <Tooltip content={`${t.unpricedCount} model call(s) have no known price and are not counted`}>
                  <Icon name="exclamation-triangle" className={styles.warn} />
                </Tooltip>
              )}
            </td>
            <td>
              {t.tags.map((tag) => (
                <Badge key={tag} text={tag} color="blue" className={styles.tag} />
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * ok, or the failures where an error started (each cause once); the spans that failed only because a child did are
 * in the tooltip, not the count.
 */
function StatusBadge({ trace }: { trace: TraceSummary }) {
  if (trace.status !== 'error') return <Badge text="ok" color="green" />;
  // Summaries from before failures were counted per cause carry no failureCount.
  const failures = trace.failureCount > 0 ? trace.failureCount : trace.errorCount;
  const propagated = trace.propagatedFailureCount ?? 0;
  return (
    <Badge
      text={`error${failures > 1 ? ` ×${failures}` : ''}`}
      color="red"
      data-testid="trace-status"
      tooltip={
        propagated > 0
          ? `${failures} ${failures === 1 ? 'failure' : 'failures'}; ${propagated} more ${propagated === 1 ? 'span' : 'spans'} failed only because a child failed (propagated, not counted again)`
          : undefined
      }
    />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getTableStyles(theme),
  hoverRows: css({
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  link: css({
    color: theme.colors.text.link,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  sub: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  warn: css({
    marginLeft: theme.spacing(0.5),
    color: theme.colors.warning.text,
  }),
  tag: css({
    marginRight: theme.spacing(0.5),
  }),
  badges: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  }),
});
