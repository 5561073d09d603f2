// The trace page's state: the trace itself, its analyses and "mark as baseline".
import type {
  AnalysisKind,
  BaselineResponse,
  Finding,
  TraceDetailResponse,
  TraceGraphResponse,
} from '@beacon/collector/api-contract';
import { useEffect, useRef, useState } from 'react';
import { useBeaconClient } from '../../api/context';
import type { AnalysisState } from '../../components/Analysis/AnalysisResults';
import { useAsync } from '../../hooks/useAsync';
import { deriveGraph } from '../../utils/graph';

export interface LoadedTrace {
  detail: TraceDetailResponse;
  graph: TraceGraphResponse;
}

/** The trace's spans and its agent graph. */
export function useTrace(traceId: string) {
  const client = useBeaconClient();
  return useAsync<LoadedTrace>(
    async (signal) => {
      const [detail, graph] = await Promise.all([
        client.getTrace(traceId, { signal }),
        // The graph endpoint is an enrichment: without it the graph is derived from the spans.
        client.getTraceGraph(traceId, { signal }).catch(() => null),
      ]);
      const usable = graph && (graph.nodes.length > 0 || detail.spans.length === 0);
      return { detail, graph: usable ? graph : deriveGraph(detail.spans) };
    },
    [client, traceId],
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
