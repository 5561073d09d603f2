// One session as a transcript: its turns in time order, each the user's new messages and the answer, with the
// turn's model, tokens, cost and status, and a link to the turn's trace.
import type { SessionDetailResponse, SessionTurn } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, EmptyState, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { BeaconApiError } from '../../api/client';
import { useBeaconClient, useBeaconEnv, usePaths } from '../../api/context';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { Page } from '../../components/Page/Page';
import { MessageView } from '../../components/SpanDetail/Conversation';
import { ROUTES } from '../../constants';
import { useAsync } from '../../hooks/useAsync';
import { formatCost, formatDuration, formatTime, formatTokens, shortId } from '../../utils/format';
import { nsToMs } from '../../utils/spans';

export function SessionPage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const { basePath } = useBeaconEnv();
  const { sessionId = '' } = useParams();
  const [reload, setReload] = useState(0);
  const state = useAsync<SessionDetailResponse>(
    (signal) => client.getSession(sessionId, { signal }),
    [client, sessionId, reload],
  );
  const session = state.status === 'success' ? state.value.session : null;

  return (
    <Page
      title={`Session ${sessionId}`}
      subTitle={
        session ? (
          <span data-testid="session-summary">
            {session.turns} turns · {session.llmCallCount} model calls · {formatTokens(session.inputTokens)} /{' '}
            {formatTokens(session.outputTokens)} tokens · <strong>{formatCost(session.costUsd)}</strong>
            {session.errorCount > 0 ? ` · ${session.errorCount} errors` : ''}
          </span>
        ) : (
          'Conversation transcript'
        )
      }
    >
      <Link to={`${basePath}/${ROUTES.Sessions}`} className={styles.back}>
        ← All sessions
      </Link>
      <div className={styles.body}>
        {state.status === 'loading' && <LoadingPlaceholder text="Loading the conversation…" />}
        {state.status === 'error' &&
          (state.error instanceof BeaconApiError && state.error.status === 404 ? (
            <EmptyState variant="not-found" message="No such session">
              <Text element="p">
                No span carries the conversation id <code>{sessionId}</code> (it may be past the retention).
              </Text>
            </EmptyState>
          ) : (
            <ErrorWithRetry
              title="Could not load the session"
              error={state.error}
              onRetry={() => setReload((n) => n + 1)}
            />
          ))}
        {state.status === 'success' && (
          <>
            {state.value.truncated && (
              <Text element="p" color="secondary">
                Showing the latest {state.value.turns.length} turns.
              </Text>
            )}
            <ol className={styles.turns} data-testid="transcript">
              {state.value.turns.map((turn, i) => (
                <TurnView key={turn.traceId} turn={turn} index={i} />
              ))}
            </ol>
          </>
        )}
      </div>
    </Page>
  );
}

function TurnView({ turn, index }: { turn: SessionTurn; index: number }) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  return (
    <li className={styles.turn} data-testid="session-turn">
      <div className={styles.turnHeader}>
        <strong>Turn {index + 1}</strong>
        <span className={styles.muted}>{formatTime(nsToMs(turn.startTimeUnixNano))}</span>
        {turn.rootAgent && <Badge text={turn.rootAgent} color="purple" />}
        <span className={styles.muted}>{turn.models.join(', ') || 'no model'}</span>
        <span className={styles.muted}>
          {turn.llmCallCount} calls · {formatTokens(turn.inputTokens)} / {formatTokens(turn.outputTokens)}{' '}
          tokens · {formatDuration(turn.durationMs)}
        </span>
        <span data-testid="turn-cost">{formatCost(turn.costUsd)}</span>
        {turn.status === 'error' ? (
          <Badge
            text={`${turn.errorCount} error${turn.errorCount === 1 ? '' : 's'}`}
            color="red"
            icon="bug"
          />
        ) : null}
        <Link to={paths.trace(turn.traceId)} className={styles.traceLink}>
          Trace {shortId(turn.traceId)} →
        </Link>
      </div>
      <div className={styles.messages}>
        {turn.input.length === 0 && turn.output.length === 0 && (
          <div className={styles.muted}>
            No messages were recorded for this turn (content capture may be off).
          </div>
        )}
        {turn.input.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed
          <MessageView key={`in-${i}`} message={message} />
        ))}
        {turn.output.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed
          <MessageView key={`out-${i}`} message={message} variant="output" />
        ))}
      </div>
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  back: css({
    color: theme.colors.text.link,
    display: 'inline-block',
    marginBottom: theme.spacing(1),
  }),
  body: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  turns: css({
    listStyle: 'none',
    padding: 0,
    margin: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  turn: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
  }),
  turnHeader: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(1),
  }),
  traceLink: css({
    marginLeft: 'auto',
    color: theme.colors.text.link,
  }),
  messages: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    maxWidth: 900,
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
