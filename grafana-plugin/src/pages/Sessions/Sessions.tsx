// Sessions: conversations across traces (traces sharing a conversation id), latest activity first, with their
// turns, model calls, tokens, cost and errors. A row opens the conversation as a transcript.
import type { SessionListResponse, SessionSummary } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, EmptyState, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useBeaconClient, useBeaconEnv } from '../../api/context';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { getTableStyles } from '../../components/common/tableStyles';
import { ListPage } from '../../components/ListPage/ListPage';
import { useUrlRange } from '../../components/RangePicker/RangePicker';
import { ROUTES } from '../../constants';
import { useAsync } from '../../hooks/useAsync';
import { formatCost, formatTime, formatTokens } from '../../utils/format';
import { nsToMs } from '../../utils/spans';
import { rangeBounds } from '../../utils/timeRange';

const PAGE_SIZE = 50;

/** Router path of one session's transcript. */
export function sessionPath(basePath: string, sessionId: string): string {
  return `${basePath}/${ROUTES.Sessions}/${encodeURIComponent(sessionId)}`;
}

export function SessionsPage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const [range, setRange] = useUrlRange();
  const [reload, setReload] = useState(0);
  const [more, setMore] = useState<{ sessions: SessionSummary[]; cursor: string | null; loading: boolean }>({
    sessions: [],
    cursor: null,
    loading: false,
  });
  const [bounds, setBounds] = useState(() => rangeBounds(range));

  const state = useAsync<SessionListResponse>(
    (signal) => {
      const next = rangeBounds(range);
      setBounds(next);
      return client.listSessions({ ...next, limit: PAGE_SIZE }, { signal });
    },
    [client, range, reload],
  );

  useEffect(() => {
    if (state.status === 'success') setMore({ sessions: [], cursor: state.value.nextCursor, loading: false });
  }, [state]);

  const loadMore = async () => {
    if (!more.cursor) return;
    setMore((m) => ({ ...m, loading: true }));
    try {
      const page = await client.listSessions({ ...bounds, limit: PAGE_SIZE, cursor: more.cursor });
      setMore((m) => ({
        sessions: [...m.sessions, ...page.sessions],
        cursor: page.nextCursor,
        loading: false,
      }));
    } catch {
      setMore((m) => ({ ...m, loading: false }));
    }
  };

  const sessions = state.status === 'success' ? [...state.value.sessions, ...more.sessions] : [];

  return (
    <ListPage
      title="Sessions"
      subTitle="Conversations across traces: turns, cost and errors"
      onRefresh={() => setReload((n) => n + 1)}
      range={{ id: 'beacon-sessions-range', value: range, onChange: setRange }}
    >
      <div className={styles.body}>
        {state.status === 'loading' && <LoadingPlaceholder text="Loading sessions…" />}
        {state.status === 'error' && (
          <ErrorWithRetry
            title="Could not load sessions"
            error={state.error}
            onRetry={() => setReload((n) => n + 1)}
          />
        )}
        {state.status === 'success' &&
          (sessions.length === 0 ? (
            <EmptyState variant="not-found" message="No sessions in this time range">
              <Text element="p">
                A session groups the traces whose spans carry the same conversation id
                (gen_ai.conversation.id, OpenInference session.id, …). Widen the time range, or set a
                conversation id in your agent.
              </Text>
            </EmptyState>
          ) : (
            <>
              <SessionTable sessions={sessions} />
              {more.cursor && (
                <div>
                  <Button variant="secondary" onClick={loadMore} disabled={more.loading}>
                    {more.loading ? 'Loading…' : 'Load more'}
                  </Button>
                </div>
              )}
            </>
          ))}
      </div>
    </ListPage>
  );
}

function SessionTable({ sessions }: { sessions: SessionSummary[] }) {
  const styles = useStyles2(getStyles);
  const { basePath } = useBeaconEnv();
  return (
    <table className={cx(styles.table, styles.hoverRows)} data-testid="session-table">
      <thead>
        <tr>
          <th>Session</th>
          <th>Last activity</th>
          <th className={styles.num}>Turns</th>
          <th className={styles.num}>Model calls</th>
          <th className={styles.num}>Tokens in / out</th>
          <th className={styles.num}>Cost</th>
          <th className={styles.num}>Errors</th>
          <th>Agents</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr key={s.sessionId} data-testid="session-row">
            <td>
              <Link to={sessionPath(basePath, s.sessionId)} className={styles.link}>
                {s.sessionId}
              </Link>
              <div className={styles.sub}>{s.services.join(', ')}</div>
            </td>
            <td className={styles.nowrap}>{formatTime(nsToMs(s.lastTimeUnixNano))}</td>
            <td className={styles.num} data-testid="session-turns">
              {s.turns}
            </td>
            <td className={styles.num}>{s.llmCallCount}</td>
            <td className={styles.num}>
              {formatTokens(s.inputTokens)} / {formatTokens(s.outputTokens)}
            </td>
            <td className={styles.num} data-testid="session-cost">
              {formatCost(s.costUsd)}
            </td>
            <td className={styles.num}>
              {s.errorCount > 0 ? <Badge text={String(s.errorCount)} color="red" /> : '0'}
            </td>
            <td>{s.agents.length > 0 ? s.agents.join(', ') : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getTableStyles(theme),
  body: css({
    marginTop: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  hoverRows: css({
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  link: css({
    fontWeight: theme.typography.fontWeightMedium,
    wordBreak: 'break-all',
  }),
  sub: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
