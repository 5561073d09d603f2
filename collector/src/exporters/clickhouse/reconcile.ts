// Exactly once across retries: after a failed attempt (or a replay from the spool), some rows of a batch may be
// stored already. They are looked up by (TraceId, SpanId) and left out of the next insert.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { EnrichedSpan } from '../../model.js';
import { qualifiedName } from '../../storage/sql.js';
import { clampNanos, type FailureRow, type GenAIRow } from './rows.js';

/** What identifies a stored row of the tables written exactly once, and the instant that prunes the search. */
export interface SpanKey {
  traceId: string;
  spanId: string;
  /** The row's Timestamp, ns. */
  timestampNanos: bigint;
}

/** Ids per reconcile query: keeps the query parameters far below the HTTP interface's URL limit. */
const RECONCILE_CHUNK = 1000;

/** A JSON row's key: its Timestamp is `ssssssssss.nnnnnnnnn` (rows.ts's DateTime64 text). */
export const rowKey = (row: GenAIRow | FailureRow): SpanKey => ({
  traceId: row.TraceId,
  spanId: row.SpanId,
  timestampNanos: BigInt(row.Timestamp.replace('.', '')),
});

/** An otel_traces row's key, from the span it is encoded from (trace-columns.ts). */
export const spanKey = (span: EnrichedSpan): SpanKey => ({
  traceId: span.traceId,
  spanId: span.spanId,
  timestampNanos: clampNanos(span.startTimeUnixNano),
});

/** The rows that `table` (of `database`) does not hold yet, by (TraceId, SpanId). */
export async function withoutStored<R>(
  client: ClickHouseClient,
  logger: Logger,
  database: string,
  table: string,
  rows: R[],
  keyOf: (row: R) => SpanKey,
): Promise<R[]> {
  const stored = new Set<string>();
  const keys = rows.map(keyOf);
  for (let i = 0; i < keys.length; i += RECONCILE_CHUNK) {
    const chunk = keys.slice(i, i + RECONCILE_CHUNK);
    let from = chunk[0]!.timestampNanos;
    let to = from;
    for (const key of chunk) {
      if (key.timestampNanos < from) from = key.timestampNanos;
      if (key.timestampNanos > to) to = key.timestampNanos;
    }
    const result = await client.query({
      // The time range prunes partitions; TraceId hits the table's trace id index.
      query: `SELECT TraceId, SpanId FROM ${qualifiedName(database, table)}
                WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})
                  AND TraceId IN {traceIds:Array(String)} AND SpanId IN {spanIds:Array(String)}`,
      query_params: {
        from: from.toString(),
        to: to.toString(),
        traceIds: [...new Set(chunk.map((key) => key.traceId))],
        spanIds: chunk.map((key) => key.spanId),
      },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<{ TraceId: string; SpanId: string }>())
      stored.add(`${row.TraceId}/${row.SpanId}`);
  }
  if (stored.size > 0) {
    logger.info({ database, table, alreadyStored: stored.size }, 'skipping rows a failed attempt stored');
  }
  return stored.size === 0
    ? rows
    : rows.filter((_, i) => !stored.has(`${keys[i]!.traceId}/${keys[i]!.spanId}`));
}
