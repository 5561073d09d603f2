// The generator's types, in one place for both its JSDoc (bench/tsconfig.json checks the .mjs files against them)
// and the TypeScript tests that import it (through index.d.mts).

export type AttrValue = string | number | boolean | string[];
export type Attrs = Record<string, AttrValue>;

/** A span as bench/lib/otlp.mjs encodes it (its BenchSpan). */
export interface AgentRunSpan {
  traceId: string;
  spanId: string;
  /** '' for the root. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Attrs;
  /** OTLP StatusCode: 0 unset, 2 error. */
  status: { code: number; message?: string };
  events?: { name: string; timeNs: bigint; attributes: Attrs }[];
}

export interface AgentRunOptions {
  /** Default 1. */
  seed?: number;
  /** About 600 spans (default), about 10,000, or about that many. */
  size?: 'small' | 'large' | number;
  /** Ids only: another instance of the same seed is the same run (same spans, names, times) under other ids. */
  instance?: number;
  /** When the run starts; default: so that it ended a minute ago (inside any retention). */
  startNs?: bigint;
  /**
   * The nth ordinary (not planted) tool or model call calls another tool (search_docs) or model (gpt-4.1-mini)
   * instead: the run differs from its seed's in exactly that one step.
   */
  change?: { kind: 'tool' | 'model'; nth: number };
  /** Default 2000. */
  maxSpansPerRequest?: number;
  /** Default 8 MiB (the collector accepts 16 MiB). */
  maxRequestBytes?: number;
}

export interface PlantedFailure {
  kind: 'rate_limit' | 'tool_timeout' | 'http_503' | 'context_overflow';
  spanId: string;
  spanName: string;
  /** The tool, for a failed tool call. */
  tool: string | null;
  /** The agent it ran under, and that agent's invocation span. */
  agent: string;
  agentSpanId: string;
  /** The agent went on, and the run did not end because of it. */
  recovered: boolean;
  /** The span that made the same call again (same input) and succeeded. */
  retriedBy: string | null;
}

export interface PlantedLoop {
  /** In start order: the same tool with identical arguments, under one parent. */
  spanIds: string[];
  parentSpanId: string;
  tool: string;
  arguments: string;
}

export interface ChangedStep {
  kind: 'tool' | 'model';
  spanId: string;
  /** 1-based, spans in tree order: parent before child, siblings by start time (here also generation order). */
  step: number;
  from: string;
  to: string;
}

export interface AgentRunManifest {
  traceId: string;
  service: string;
  rootSpanId: string;
  spanCount: number;
  durationMs: number;
  llmCalls: number;
  toolCalls: number;
  /** Spans with status ERROR: the failures, and the spans they propagated to. */
  errorSpans: number;
  /** Agent names in the order the orchestrator invoked them. */
  invocationSequence: string[];
  /** Per tool: its calls, and how many of them failed (each span's own status). */
  tools: Record<string, { calls: number; failed: number }>;
  /** Where each failure started, in start order. */
  failures: PlantedFailure[];
  /** The unrecovered failure that ended the run: the critic's context overflow. */
  rootCause: PlantedFailure;
  /** Spans that failed only because a child failed (`from`), nearest first: the critic's invocation, the root. */
  propagated: { spanId: string; spanName: string; from: string }[];
  /** The planted loop (one). */
  loops: PlantedLoop[];
  /** Spans that start at the same instant as their parent. */
  equalStarts: number;
  /** The step `change` changed, or null. */
  changed: ChangedStep | null;
}

export interface AgentRun {
  traceId: string;
  /** Tree order, which is start order here: parent before child. */
  spans: AgentRunSpan[];
  resource: Attrs;
  /** OTLP/JSON ExportTraceServiceRequest bodies of at most maxSpansPerRequest spans each, in span order. */
  requests: string[];
  manifest: AgentRunManifest;
}
