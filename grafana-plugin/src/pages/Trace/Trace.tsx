// One trace: summary, agent graph with time travel, waterfall with the critical path, context growth, and the
// selected span's detail. The URL `/traces/<traceId>/<spanId>` selects a span, so every view deep-links.
import type { Finding, GraphNode, SpanView, TraceDetailResponse } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  LoadingPlaceholder,
  Tab,
  TabsBar,
  Text,
  useStyles2,
} from '@grafana/ui';
import { useMemo } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { BeaconApiError } from '../../api/client';
import { usePaths } from '../../api/context';
import { AnalysisResults } from '../../components/Analysis/AnalysisResults';
import { AnalyzeMenu } from '../../components/Analysis/AnalyzeMenu';
import { ErrorAlert } from '../../components/common/ErrorAlert';
import { Page } from '../../components/Page/Page';
import { ShareTrace } from '../../components/ShareTrace/ShareTrace';
import { DetailSplitPane } from '../../components/SpanDetail/DetailSplitPane';
import { TimeTravel } from '../../components/TimeTravel/TimeTravel';
import { TraceLinks } from '../../components/TraceLinks/TraceLinks';
import { TruncatedTraceAlert } from '../../components/TruncatedTrace/TruncatedTraceAlert';
import { Waterfall } from '../../components/Waterfall/Waterfall';
import { failureColor, failureLabel } from '../../utils/failures';
import { formatCost, formatDuration, formatTime, formatTokens, shortId } from '../../utils/format';
import { nsToMs } from '../../utils/spans';
import { traceBounds } from '../../utils/timeline';
import { type LoadedTrace, useAnalysis, useBaseline, useTrace, useWholeTrace } from './hooks';
import { SelectedSpanDetail, TraceContext } from './WholeSpanViews';

type View = 'graph' | 'timeline' | 'context';
const VIEWS: { id: View; label: string }[] = [
  { id: 'graph', label: 'Agent graph' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'context', label: 'Context' },
];

export function TracePage() {
  const paths = usePaths();
  const navigate = useNavigate();
  const { traceId = '', spanId } = useParams();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((v) => v.id === params.get('view'))?.id ?? 'graph') as View;

  const state = useTrace(traceId);

  const spans = state.value?.detail.spans;
  const bounds = useMemo(() => traceBounds(spans ?? []), [spans]);
  const selected = spanId ? spans?.find((s) => s.spanId === spanId) : undefined;

  const select = (id: string) =>
    navigate({ pathname: paths.trace(traceId, id), search: params.toString() }, { replace: true });
  const analysis = useAnalysis(traceId, (finding) => select(finding.spanIds[0]!));
  const highlighted = useMemo(
    () => (analysis.activeFinding ? new Set(analysis.activeFinding.spanIds) : undefined),
    [analysis.activeFinding],
  );
  const selectFinding = (finding: Finding) => {
    analysis.setActiveFinding(finding);
    const first = finding.spanIds[0];
    if (first) select(first);
  };

  const { baseline, markBaseline, dismiss: dismissBaseline } = useBaseline(traceId);
  // A node stands for its first span, unless one of its invocations was picked from its list.
  const selectNode = (node: GraphNode, id = node.spanIds[0]) => {
    if (!id) return;
    if (node.traceId && node.traceId !== traceId) navigate(paths.trace(node.traceId, id));
    else select(id);
  };
  const setView = (v: View) => {
    const next = new URLSearchParams(params);
    if (v === 'graph') next.delete('view');
    else next.set('view', v);
    setParams(next, { replace: true });
  };

  if (state.status !== 'success') {
    return (
      <Page title={`Trace ${shortId(traceId)}`}>
        <TraceNotLoaded traceId={traceId} error={state.error} />
      </Page>
    );
  }

  const { detail } = state.value;
  const t = detail.trace;
  const title = t.rootSpanName || `Trace ${shortId(traceId)}`;

  return (
    <Page
      title={title}
      subTitle={
        <>
          {t.rootServiceName} · <code>{traceId}</code>
        </>
      }
      actions={
        <>
          <AnalyzeMenu
            onAnalyze={analysis.run}
            onMarkBaseline={markBaseline}
            running={analysis.state?.status === 'loading' ? analysis.state.kind : null}
            markingBaseline={baseline.status === 'saving'}
          />
          <TraceLinks
            target={{ traceId, serviceName: t.rootServiceName, startMs: bounds.start, endMs: bounds.end }}
          />
          <Button
            size="sm"
            variant="secondary"
            icon="code-branch"
            onClick={() => navigate(paths.compare(traceId))}
          >
            Compare…
          </Button>
          <ShareTrace traceId={traceId} />
        </>
      }
    >
      <TraceStats detail={detail} />
      {detail.truncated && <TruncatedTraceAlert traceId={traceId} truncated={detail.truncated} />}

      {baseline.status === 'success' && (
        <Alert severity="success" title="Marked as baseline" onRemove={dismissBaseline}>
          Traces of <code>{baseline.response.baselineKey}</code> are now compared with this one (Analyze →
          Compare with baseline).
        </Alert>
      )}
      {baseline.status === 'error' && (
        <ErrorAlert title="Could not mark this trace as baseline" error={baseline.error} />
      )}
      {analysis.state && (
        <AnalysisResults
          state={analysis.state}
          traceId={traceId}
          activeFindingId={analysis.activeFinding?.id ?? null}
          onSelectFinding={selectFinding}
          onClose={analysis.close}
        />
      )}

      {detail.spans.length === 0 ? (
        <EmptyState variant="not-found" message="This trace has no spans stored" />
      ) : (
        <TraceViews
          trace={state.value}
          traceId={traceId}
          traceStartMs={bounds.start}
          view={view}
          onView={setView}
          spanId={spanId}
          selected={selected}
          highlighted={highlighted}
          onSelect={select}
          onSelectNode={selectNode}
        />
      )}
    </Page>
  );
}

/** The trace page's content while the trace loads, or why it did not load. */
function TraceNotLoaded({ traceId, error }: { traceId: string; error: Error | undefined }) {
  const paths = usePaths();
  const navigate = useNavigate();
  if (!error) return <LoadingPlaceholder text="Loading trace…" />;
  const notFound = error instanceof BeaconApiError && error.status === 404;
  return notFound ? (
    <EmptyState
      variant="not-found"
      message="Trace not found"
      button={<Button onClick={() => navigate(paths.traces())}>Back to traces</Button>}
    >
      <Text element="p">
        No trace <code>{traceId}</code> in Beacon. It may be older than the retention, or not flushed yet.
      </Text>
    </EmptyState>
  ) : (
    <ErrorAlert title="Could not load the trace" error={error} />
  );
}

/** The summary line: status, timing, cost, tokens, calls, agents and models, failure categories and tags. */
function TraceStats({ detail }: { detail: TraceDetailResponse }) {
  const styles = useStyles2(getStyles);
  const t = detail.trace;
  const stats: [string, string][] = [
    ['Started', formatTime(nsToMs(t.startTimeUnixNano))],
    ['Duration', formatDuration(t.durationMs)],
    ['Cost', `${formatCost(t.costUsd)}${t.unpricedCount > 0 ? ` (+${t.unpricedCount} unpriced)` : ''}`],
    ['Tokens in / out', `${formatTokens(t.inputTokens)} / ${formatTokens(t.outputTokens)}`],
    ['Spans', String(t.spanCount || detail.spans.length)],
    ['LLM / tool calls', `${t.llmCallCount} / ${t.toolCallCount}`],
    ['Agent', t.rootAgent ?? (t.agents.join(', ') || '–')],
    ['Models', t.models.join(', ') || '–'],
  ];
  return (
    <div className={styles.stats} data-testid="trace-stats">
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
      {(t.failureCategories ?? []).map((category) => (
        <Badge
          key={category}
          text={failureLabel(category)}
          color={failureColor(category)}
          icon="exclamation-triangle"
          data-testid="failure-category"
        />
      ))}
      {t.tags.map((tag) => (
        <Badge key={tag} text={tag} color="blue" />
      ))}
    </div>
  );
}

interface TraceViewsProps {
  trace: LoadedTrace;
  traceId: string;
  traceStartMs: number;
  view: View;
  onView: (view: View) => void;
  /** The span the URL selects, and that span if the trace has it. */
  spanId: string | undefined;
  selected: SpanView | undefined;
  highlighted: Set<string> | undefined;
  onSelect: (spanId: string) => void;
  onSelectNode: (node: GraphNode, spanId?: string) => void;
}

/** The graph / timeline / context tabs, and beside them the selected span's detail. */
function TraceViews({
  trace: { detail, graph },
  traceId,
  traceStartMs,
  view,
  onView,
  spanId,
  selected,
  highlighted,
  onSelect,
  onSelectNode,
}: TraceViewsProps) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  const whole = useWholeTrace(traceId, view === 'context');
  return (
    <DetailSplitPane
      detailLabel="Span detail"
      main={
        <div className={styles.main}>
          <TabsBar>
            {VIEWS.map((v) => (
              <Tab key={v.id} label={v.label} active={view === v.id} onChangeTab={() => onView(v.id)} />
            ))}
          </TabsBar>
          <div className={styles.tabContent}>
            {view === 'graph' && (
              <TimeTravel
                spans={detail.spans}
                graph={graph}
                selectedSpanId={spanId}
                onSelect={onSelectNode}
                onStep={(s) => onSelect(s.spanId)}
                highlightedSpanIds={highlighted}
              />
            )}
            {view === 'timeline' && (
              <Waterfall
                spans={detail.spans}
                selectedSpanId={spanId}
                onSelect={onSelect}
                highlightedSpanIds={highlighted}
              />
            )}
            {view === 'context' && (
              <TraceContext whole={whole} spans={detail.spans} selectedSpanId={spanId} onSelect={onSelect} />
            )}
          </div>
        </div>
      }
      detail={
        <>
          {spanId && !selected && (
            <Alert severity="warning" title="Span not in this trace">
              No span <code>{spanId}</code> in trace <code>{shortId(traceId)}</code>.{' '}
              <Link to={paths.trace(traceId)}>Clear selection</Link>
            </Alert>
          )}
          {selected ? (
            <SelectedSpanDetail
              traceId={traceId}
              span={selected}
              spans={detail.spans}
              traceStartMs={traceStartMs}
            />
          ) : (
            !spanId && (
              <Text color="secondary" element="p">
                Select a node in the graph or a bar in the timeline to see the span: the conversation of an
                LLM call, a tool call's input and output, errors.
              </Text>
            )
          )}
        </>
      }
    />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  stats: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1, 3),
    marginBottom: theme.spacing(2),
  }),
  stat: css({
    display: 'flex',
    flexDirection: 'column',
  }),
  statLabel: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  main: css({
    minWidth: 0,
  }),
  tabContent: css({
    paddingTop: theme.spacing(1),
  }),
});
