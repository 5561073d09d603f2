// What every analysis takes and gives: a stored trace (its summary and spans, as the query API returns them) in,
// findings + deterministic prose out.
import type { ErrorPattern, Finding, SpanView, TraceSummary } from '../contract/index.js';

export interface TraceData {
  summary: TraceSummary;
  spans: readonly SpanView[];
}

export interface AnalysisResult {
  findings: Finding[];
  text: string;
  totalEstimatedSavingsUsd: number | null;
  patterns: ErrorPattern[];
}

/** The roll-up numbers of earlier traces that anomalies and compare measure against. */
export type TraceMeasures = Pick<
  TraceSummary,
  'traceId' | 'startTimeUnixNano' | 'durationMs' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'llmCallCount'
>;
