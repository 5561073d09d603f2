// Baselines: the trace marked as the reference for its root service + span name (append-only versions in
// beacon_baselines, newest wins, like tags).
import { type QueryContext, select, table } from './context.js';
import { versionNow } from './tags.js';

/** Root service + root span name: what a trace is compared by. */
export function baselineKey(rootServiceName: string, rootSpanName: string): string {
  return `${rootServiceName}/${rootSpanName}`;
}

export async function markBaseline(ctx: QueryContext, key: string, traceId: string): Promise<void> {
  await ctx.client.command({
    query: `INSERT INTO ${table(ctx, 'baselines')} (BaselineKey, TraceId, UpdatedAt)
SELECT {key:String}, {traceId:String}, fromUnixTimestamp64Nano({updatedAt:Int64})`,
    query_params: { key, traceId, updatedAt: versionNow().toString() },
  });
}

/** The trace currently marked as baseline for the key, or null. */
export async function currentBaseline(ctx: QueryContext, key: string): Promise<string | null> {
  const [row] = await select<{ traceId: string }>(
    ctx,
    `SELECT TraceId AS traceId FROM ${table(ctx, 'baselines')}
WHERE BaselineKey = {key:String}
ORDER BY UpdatedAt DESC
LIMIT 1`,
    { key },
  );
  return row?.traceId ?? null;
}
