// Error patterns: failures grouped by category and message shape, with how often, where, and example traces.
import type { ErrorPattern } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { failureColor, failureIcon, failureLabel, isWarningCategory } from '../../utils/failures';
import { formatTime, shortId } from '../../utils/format';
import { timestampMs } from '../../utils/spans';
import { getTableStyles } from '../common/tableStyles';

/** How many example traces a row links to (the pattern keeps up to 20). */
const EXAMPLES = 3;

export function PatternsTable({ patterns }: { patterns: readonly ErrorPattern[] }) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  return (
    <table className={styles.table} data-testid="patterns-table">
      <thead>
        <tr>
          <th>Category</th>
          <th>Signature</th>
          <th className={styles.num}>Spans</th>
          <th className={styles.num}>Traces</th>
          <th>Last seen</th>
          <th>Example traces</th>
        </tr>
      </thead>
      <tbody>
        {patterns.map((p) => (
          <tr key={`${p.category}:${p.signature}`} data-testid="pattern-row" data-category={p.category}>
            <td>
              {/* A loop is a warning: its traces need not have failed. */}
              <Link
                to={paths.traces(
                  isWarningCategory(p.category)
                    ? { failure: p.category }
                    : { failure: p.category, status: 'error' },
                )}
                title={
                  isWarningCategory(p.category) ? 'Traces with this warning' : 'Traces with this failure'
                }
              >
                <Badge
                  text={failureLabel(p.category)}
                  color={failureColor(p.category)}
                  icon={failureIcon(p.category)}
                />
              </Link>
            </td>
            <td>
              <code className={styles.signature}>{p.signature}</code>
              <div className={styles.sub}>
                e.g. <Link to={paths.trace(p.example.traceId, p.example.spanId)}>{p.example.spanName}</Link>:{' '}
                {p.example.message}
              </div>
            </td>
            <td className={styles.num}>{p.spanCount}</td>
            <td className={styles.num}>{p.traceCount}</td>
            <td className={styles.nowrap}>{formatTime(timestampMs(p.lastSeen))}</td>
            <td>
              {p.traceIds.slice(0, EXAMPLES).map((traceId) => (
                <Link
                  key={traceId}
                  to={paths.trace(traceId)}
                  className={styles.example}
                  data-testid="pattern-trace"
                >
                  <code>{shortId(traceId)}</code>
                </Link>
              ))}
              {p.traceIds.length > EXAMPLES && (
                <span className={styles.sub}>+{p.traceIds.length - EXAMPLES}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getTableStyles(theme),
  signature: css({
    // Long signatures wrap inside their cell: the table never widens the page past the viewport.
    wordBreak: 'break-word',
    overflowWrap: 'anywhere',
    whiteSpace: 'pre-wrap',
  }),
  sub: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    marginTop: theme.spacing(0.25),
    overflowWrap: 'anywhere',
  }),
  example: css({
    marginRight: theme.spacing(1),
  }),
});
