// A trace opened through a share link (`/shared/<token>`): read-only, no API key (the token is the credential).
// Summary, waterfall and span detail — no replay, analysis, tags or links into the rest of the app, which the
// viewer has no access to. An unknown, expired or revoked link says so plainly.
import type { SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, EmptyState, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router-dom';
import { BeaconApiError } from '../../api/client';
import { useBeaconClient } from '../../api/context';
import { ErrorAlert } from '../../components/common/ErrorAlert';
import { SpanDetail } from '../../components/SpanDetail/SpanDetail';
import { Waterfall } from '../../components/Waterfall/Waterfall';
import { useAsync } from '../../hooks/useAsync';
import { formatCost, formatDuration, formatTime, formatTokens, shortId } from '../../utils/format';
import { nsToMs } from '../../utils/spans';
import { traceBounds } from '../../utils/timeline';

/** The token is in this page's URL: no Referer may carry it to another site. */
function useNoReferrer() {
  useEffect(() => {
    const meta = document.createElement('meta');
    meta.name = 'referrer';
    meta.content = 'no-referrer';
    document.head.appendChild(meta);
    return () => meta.remove();
  }, []);
}

export function SharedTracePage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const { token = '' } = useParams();
  useNoReferrer();
  const state = useAsync((signal) => client.getSharedTrace(token, { signal }), [client, token]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const spans = state.value?.trace.spans;
  const bounds = useMemo(() => traceBounds(spans ?? []), [spans]);
  const selected: SpanView | undefined = spans?.find((s) => s.spanId === selectedId);

  if (state.status === 'loading') {
    return (
      <div className={styles.page}>
        <LoadingPlaceholder text="Loading shared trace…" />
      </div>
    );
  }
  if (state.status === 'error') {
    const gone = state.error instanceof BeaconApiError && state.error.status === 404;
    return (
      <div className={styles.page} data-testid="shared-trace-gone">
        {gone ? (
          <EmptyState variant="not-found" message="This link expired or was revoked">
            <Text element="p">
              Share links work until their expiry date or until someone revokes them. Ask whoever sent it for
              a new link.
            </Text>
          </EmptyState>
        ) : (
          <ErrorAlert title="Could not load the shared trace" error={state.error} />
        )}
      </div>
    );
  }

  const { share, trace: detail } = state.value;
  const t = detail.trace;
  const stats: [string, string][] = [
    ['Started', formatTime(nsToMs(t.startTimeUnixNano))],
    ['Duration', formatDuration(t.durationMs)],
    ['Cost', formatCost(t.costUsd)],
    ['Tokens in / out', `${formatTokens(t.inputTokens)} / ${formatTokens(t.outputTokens)}`],
    ['Spans', String(detail.spans.length)],
    ['Agent', t.rootAgent ?? (t.agents.join(', ') || '–')],
    ['Models', t.models.join(', ') || '–'],
  ];
  return (
    <div className={styles.page} data-testid="shared-trace">
      <Alert severity="info" title="" data-testid="shared-banner">
        Shared trace · read-only · expires {formatTime(nsToMs(share.expiresAt))}
      </Alert>
      <header className={styles.header}>
        <Text element="h1" variant="h2">
          {t.rootSpanName || `Trace ${shortId(t.traceId)}`}
        </Text>
        <div className={styles.subTitle}>
          {t.rootServiceName} · <code>{t.traceId}</code>
        </div>
      </header>
      <div className={styles.stats}>
        <Badge
          text={t.status === 'error' ? `${t.errorCount} error${t.errorCount === 1 ? '' : 's'}` : 'ok'}
          color={t.status === 'error' ? 'red' : 'green'}
        />
        {stats.map(([label, value]) => (
          <div key={label} className={styles.stat}>
            <span className={styles.statLabel}>{label}</span>
            <span>{value}</span>
          </div>
        ))}
      </div>
      {detail.spans.length === 0 ? (
        <EmptyState variant="not-found" message="This trace has no spans stored" />
      ) : (
        <div className={styles.layout}>
          <div className={styles.main}>
            <Waterfall spans={detail.spans} selectedSpanId={selectedId} onSelect={setSelectedId} />
          </div>
          <aside className={styles.side} aria-label="Span detail">
            {selected ? (
              <SpanDetail span={selected} traceStartMs={bounds.start} replay={false} />
            ) : (
              <Text color="secondary" element="p">
                Select a bar in the timeline to see the span: the conversation of an LLM call, a tool call's
                input and output, errors.
              </Text>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2, 3) }),
  header: css({ marginBottom: theme.spacing(1) }),
  subTitle: css({ color: theme.colors.text.secondary }),
  stats: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1, 3),
    marginBottom: theme.spacing(2),
  }),
  stat: css({ display: 'flex', flexDirection: 'column' }),
  statLabel: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  layout: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 3fr) minmax(320px, 2fr)',
    gap: theme.spacing(2),
    [theme.breakpoints.down('lg')]: { gridTemplateColumns: 'minmax(0, 1fr)' },
  }),
  main: css({ minWidth: 0 }),
  side: css({
    minWidth: 0,
    borderLeft: `1px solid ${theme.colors.border.weak}`,
    paddingLeft: theme.spacing(2),
    maxHeight: '85vh',
    overflowY: 'auto',
    [theme.breakpoints.down('lg')]: { borderLeft: 'none', paddingLeft: 0, maxHeight: 'none' },
  }),
});
