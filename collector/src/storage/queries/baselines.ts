// Baselines: the trace marked as the reference for its root span name (append-only versions, newest wins, like
// tags). Implemented in [4/9].
import type { QueryContext } from './context.js';

/** Root service + root span name: what a trace is compared by. */
export function baselineKey(rootServiceName: string, rootSpanName: string): string {
  return `${rootServiceName}/${rootSpanName}`;
}

export async function markBaseline(_ctx: QueryContext, _key: string, _traceId: string): Promise<void> {
  throw new Error('markBaseline: not built yet');
}

/** The trace currently marked as baseline for the key, or null. */
export async function currentBaseline(_ctx: QueryContext, _key: string): Promise<string | null> {
  throw new Error('currentBaseline: not built yet');
}
