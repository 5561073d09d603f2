// Failures of error spans, classified at ingest (beacon_span_failures, migration 0007): the error patterns across
// traces and the failure categories (auto-tags) of traces. Implemented in [4/9].
import type { ErrorPattern } from '../../api/contract.js';
import type { QueryContext } from './context.js';

export interface FailurePatternFilter {
  fromNs: bigint;
  toNs: bigint;
  /** Only this trace's failures. */
  traceId?: string;
  /** Most patterns, largest first. */
  limit: number;
}

/** Failures grouped by (category, signature), largest group first. */
export async function failurePatterns(
  _ctx: QueryContext,
  _filter: FailurePatternFilter,
): Promise<ErrorPattern[]> {
  throw new Error('failurePatterns: not built yet');
}
