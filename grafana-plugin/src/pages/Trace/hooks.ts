// The trace page's state: the trace itself, its analyses and "mark as baseline".
import type {
  AnalysisKind,
  BaselineResponse,
  Finding,
  SpanView,
  TraceDetailResponse,
  TraceGraphResponse,
} from '@beacon/collector/api-contract';
import { useEffect, useRef, useState } from 'react';
import { useBeaconClient } from '../../api/context';
import type { AnalysisState } from '../../components/Analysis/AnalysisResults';
import { type AsyncState, useAsync } from '../../hooks/useAsync';
import { deriveGraph } from '../../utils/graph';
import { contextStepOf } from '../../utils/messages';

export interface LoadedTrace {
  detail: TraceDetailResponse;
  graph: TraceGraphResponse;
}

/**
 * The trace's spans in outline and its agent graph: what the graph and the timeline draw. A span's attributes, tool
 * text and messages come with useWholeSpan, the conversations of the Context tab with useWholeTrace — at 10,000
 * spans the whole trace is 23 MB and a second to read, its outline a tenth of that.
 */
export function useTrace(traceId: string) {
  const client = useBeaconClient();
  return useAsync<LoadedTrace>(
    async (signal) => {
      const { graph: included, ...detail } = await client.getTraceOutline(traceId, { signal });
      // The collector's graph is an enrichment (linked traces): a collector that sends none is asked for it; without
      // one the graph is derived from the spans.
      const graph = included ?? (await client.getTraceGraph(traceId, { signal }).catch(() => null));
      const usable = graph && (graph.nodes.length > 0 || detail.spans.length === 0);
      return { detail, graph: usable ? graph : deriveGraph(detail.spans) };
    },
    [client, traceId],
  );
}

export interface WholeSpan {
  span: SpanView;
  /** The trace's spans with this one and the call it is compared with whole ("only what is new" diffs them). */
  spans: readonly SpanView[];
}

/** The selected span whole and, for an LLM call, the previous call of its agent invocation whole too. */
export function useWholeSpan(
  traceId: string,
  selected: SpanView | undefined,
  spans: readonly SpanView[] | undefined,
): AsyncState<WholeSpan | null> {
  const client = useBeaconClient();
  return useAsync<WholeSpan | null>(
    async (signal) => {
      if (!selected || !spans) return null;
      const previous = contextStepOf(selected, spans)?.previous ?? null;
      const [whole, previousWhole] = await Promise.all([
        client.getTraceSpan(traceId, selected.spanId, { signal }),
        previous ? client.getTraceSpan(traceId, previous.spanId, { signal }) : null,
      ]);
      const byId = new Map([whole.span, previousWhole?.span].filter((s) => s).map((s) => [s!.spanId, s!]));
      return { span: whole.span, spans: spans.map((s) => byId.get(s.spanId) ?? s) };
    },
    [client, traceId, selected, spans],
  );
}

/**
 * The trace with every span whole (messages filled in), read once the Context tab is first shown and kept while
 * the trace stays on screen.
 */
export function useWholeTrace(traceId: string, wanted: boolean): AsyncState<TraceDetailResponse | null> {
  const client = useBeaconClient();
  const [wantedFor, setWantedFor] = useState<string | null>(null);
  useEffect(() => {
    if (wanted) setWantedFor(traceId);
  }, [wanted, traceId]);
  const load = wantedFor === traceId;
  return useAsync<TraceDetailResponse | null>(
    (signal) => (load ? client.getTrace(traceId, { signal }) : Promise.resolve(null)),
    [client, traceId, load],
  );
}

/** Analyses of the trace on screen and the finding whose spans are highlighted. */
export function useAnalysis(traceId: string, onFirstRootCause: (finding: Finding) => void) {
  const client = useBeaconClient();
  const [state, setState] = useState<AnalysisState | null>(null);
  const [activeFinding, setActiveFinding] = useState<Finding | null>(null);
  const controller = useRef<AbortController | null>(null);
  const firstRootCause = useRef(onFirstRootCause);
  firstRootCause.current = onFirstRootCause;

  const close = () => {
    controller.current?.abort();
    setState(null);
    setActiveFinding(null);
  };
  // Another trace: start over. Leaving: stop what runs.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new trace id only
  useEffect(() => close, [traceId]);

  const run = (kind: AnalysisKind) => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setState({ kind, status: 'loading' });
    setActiveFinding(null);
    client.analyze(kind, { traceId }, { signal: current.signal }).then(
      (response) => {
        if (current.signal.aborted) return;
        setState({ kind, status: 'success', response });
        // The root cause is the point of asking: show it at once.
        const first = response.findings.find((f) => f.traceId === traceId && f.spanIds.length > 0);
        if (kind === 'root-cause' && first) {
          setActiveFinding(first);
          firstRootCause.current(first);
        }
      },
      (err: unknown) => {
        if (current.signal.aborted) return;
        setState({ kind, status: 'error', error: err instanceof Error ? err : new Error(String(err)) });
      },
    );
  };
  return { state, activeFinding, setActiveFinding, run, close };
}

export type BaselineState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'success'; response: BaselineResponse }
  | { status: 'error'; error: Error };

/** "Mark as baseline" for the trace on screen: saving, done or failed; idle again on another trace. */
export function useBaseline(traceId: string) {
  const client = useBeaconClient();
  const [baseline, setBaseline] = useState<BaselineState>({ status: 'idle' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new trace id only
  useEffect(() => setBaseline({ status: 'idle' }), [traceId]);
  const markBaseline = () => {
    setBaseline({ status: 'saving' });
    client.markBaseline(traceId).then(
      (response) => setBaseline({ status: 'success', response }),
      (err: unknown) =>
        setBaseline({ status: 'error', error: err instanceof Error ? err : new Error(String(err)) }),
    );
  };
  const dismiss = () => setBaseline({ status: 'idle' });
  return { baseline, markBaseline, dismiss };
}
