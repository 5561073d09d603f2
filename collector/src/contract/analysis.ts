// Analysis: POST /api/v1/analysis/{kind}. Findings are computed deterministically from stored spans; an LLM, when
// configured, only rewrites the prose (`refinement`), citing span ids.
import type { FailureCategory } from '@beacon/semconv';
import type { TraceSummary } from './traces.js';

/** The analyses of POST /analysis/{kind}, in the order they are documented (the API and the MCP tools list them). */
export const ANALYSIS_KINDS = [
  'root-cause',
  'cost',
  'anomalies',
  'error-patterns',
  'summary',
  'compare',
] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export interface AnalysisRequest {
  /** The trace analysed; required for every kind but error-patterns (which then looks across traces). */
  traceId?: string;
  /** compare: the trace to compare with; default: the baseline marked for the trace's root span name. */
  baselineTraceId?: string;
  /** anomalies: how many earlier traces of the same root span name form the reference (default 20). */
  window?: number;
  /** error-patterns across traces: time range (RFC 3339 or epoch ms; default the last 24 hours). */
  from?: string;
  to?: string;
  /** Ask the configured LLM to rewrite the explanation (default true when one is configured). */
  refine?: boolean;
  /** Added (optional): compare — also answer both runs' steps and their alignment (default false: it holds a
   * step per span, too much for an agent reading the answer). */
  alignment?: boolean;
}

/**
 * Every Finding.type the analyses emit (root-cause, cost, anomalies, error-patterns, summary, compare), as the
 * OpenAPI document lists them. A test checks the analyses of the generated runs answer none outside it.
 */
export const FINDING_TYPES = [
  // root-cause (loops also in error-patterns: a warning, not a failure)
  'root_cause',
  'recovered_failure',
  'loop',
  // cost
  'repeated_prompt',
  'expensive_model',
  'cacheable_prefix',
  'context_growth',
  // anomalies
  'cost_spike',
  'duration_spike',
  'token_spike',
  'llm_call_spike',
  'not_enough_history',
  // error-patterns
  'error_pattern',
  // summary
  'summary',
  // compare
  'cost_regression',
  'duration_regression',
  'token_regression',
  'llm_call_regression',
  'tool_call_regression',
  'model_change',
  'tool_change',
  'new_error',
  'step_divergence',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

export interface Finding {
  /** Stable within one response, e.g. `root-cause-1`. */
  id: string;
  /** What was found: one of FINDING_TYPES (a string here so an analysis need not spell its types as literals). */
  type: string;
  category: FailureCategory | null;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  detail: string;
  traceId: string;
  /** The spans to highlight in the graph and waterfall, most important first. */
  spanIds: string[];
  /** cost findings: what fixing it would save on this trace (USD). */
  estimatedSavingsUsd: number | null;
  /** The numbers the finding rests on (e.g. { value, median, ratio }). */
  evidence: Record<string, string | number | boolean | null>;
}

/** error-patterns: failures grouped by category and message shape. */
export interface ErrorPattern {
  category: FailureCategory;
  /** The failure message with numbers, ids and quoted values replaced by placeholders. */
  signature: string;
  spanCount: number;
  traceCount: number;
  /** Up to 20, newest first. */
  traceIds: string[];
  example: { traceId: string; spanId: string; spanName: string; message: string };
  firstSeen: string;
  lastSeen: string;
}

export interface AnalysisResponse {
  kind: AnalysisKind;
  traceId: string | null;
  /** compare: the trace compared with. */
  baselineTraceId: string | null;
  findings: Finding[];
  /** Deterministic prose built from the findings and spans. */
  text: string;
  /** cost: the sum of the findings' savings. */
  totalEstimatedSavingsUsd: number | null;
  /** error-patterns only. */
  patterns: ErrorPattern[];
  /** When an LLM is configured and refine was not false: its rewrite of `text`, citing span ids. */
  refinement: { model: string; text: string } | null;
  /** Added (optional): compare with `alignment: true` — the steps of both runs and how they align. */
  alignment?: StepAlignment | null;
}

/** One step of a run as compare reads it: a span, in tree order (parent first, siblings by start time, then name). */
export interface AlignedStep {
  spanId: string;
  /** What the step did, e.g. `tool run_python`, `model call gpt-4o`, `agent critic`: equal labels match. */
  label: string;
  /** 0 for a root, 1 for its children, … */
  depth: number;
  /** When the span started, in ms after the run's first span started. */
  startMs: number;
  durationMs: number;
  /** The span's status message when it failed (status Error), else null. */
  error: string | null;
  /** What the call answered, as text to diff: a model call's output messages (the tools it asked for as
   * `→ name(arguments)`, without the call ids a provider makes up each run), a tool call's result. Null: not a
   * model or tool call. At most STEP_TEXT_MAX_CHARS characters (then `…` ends it). */
  output: string | null;
  /** A tool call's arguments (at most STEP_TEXT_MAX_CHARS characters); null for any other step. */
  arguments: string | null;
}

/** The most characters of a step's output or arguments the alignment carries. */
export const STEP_TEXT_MAX_CHARS = 20_000;

/** One edit of the alignment. Indexes are 0-based. */
export interface StepEdit {
  kind: 'changed' | 'added' | 'removed';
  /** In the trace's steps (for `removed`: the trace's next step, where the baseline's would have been). */
  step: number;
  /** In the baseline's steps (for `added`: the baseline's next step). */
  baselineStep: number;
}

/** compare: both runs' steps and the edit-distance alignment of the baseline's onto the trace's. Every step not
 * named by an edit is matched, in order, with the other run's next unmatched step. */
export interface StepAlignment {
  baselineSteps: AlignedStep[];
  steps: AlignedStep[];
  /** In step order; empty when the runs match step for step. */
  edits: StepEdit[];
  /** False when the runs differ too much past the first edit to align step by step: edits then hold only it. */
  exact: boolean;
  /** Both runs' roll-ups, so a side-by-side view needs no trace detail (tens of MB at 10,000 spans). */
  baselineTrace: TraceSummary;
  trace: TraceSummary;
}

/** PUT /api/v1/traces/{traceId}/baseline — marks the trace as the baseline of its root span name. */
export interface BaselineResponse {
  traceId: string;
  /** Root service + root span name: what later traces are compared by. */
  baselineKey: string;
}
