// Exactly once across retries: after a failed attempt (or a replay from the spool), some rows of a batch may be
// stored already. They are looked up by (TraceId, SpanId) and left out of the next insert.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { qualifiedName } from '../../storage/sql.js';
import type { FailureRow, GenAIRow, TraceRow } from './rows.js';

/** A row keyed by span: the tables that are written exactly once. */
export type SpanKeyedRow = TraceRow | GenAIRow | FailureRow;

/** Ids per reconcile query: keeps the query parameters far below the HTTP interface's URL limit. */
const RECONCILE_CHUNK = 1000;

/** `ssssssssss.nnnnnnnnn` (rows.ts's DateTime64 text) → nanoseconds as a decimal string, for an Int64 parameter. */
function dateTime64ToNanos(text: string): string {
  return BigInt(text.replace('.', '')).toString();
}

/** The rows that `table` (of `database`) does not hold yet, by (TraceId, SpanId). */
export async function withoutStored<R extends SpanKeyedRow>(
  client: ClickHouseClient,
  logger: Logger,
  database: string,
  table: string,
  rows: R[],
): Promise<R[]> {
  const stored = new Set<string>();
  for (let i = 0; i < rows.length; i += RECONCILE_CHUNK) {
    const chunk = rows.slice(i, i + RECONCILE_CHUNK);
    let from = chunk[0]!.Timestamp;
    let to = from;
    for (const row of chunk) {
      if (row.Timestamp < from) from = row.Timestamp;
      if (row.Timestamp > to) to = row.Timestamp;
    }
    const result = await client.query({
      // The time range prunes partitions; TraceId hits the table's trace id index.
      query: `SELECT TraceId, SpanId FROM ${qualifiedName(database, table)}
                WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})
                  AND TraceId IN {traceIds:Array(String)} AND SpanId IN {spanIds:Array(String)}`,
      query_params: {
        from: dateTime64ToNanos(from),
        to: dateTime64ToNanos(to),
        traceIds: [...new Set(chunk.map((row) => row.TraceId))],
        spanIds: chunk.map((row) => row.SpanId),
      },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<{ TraceId: string; SpanId: string }>())
      stored.add(`${row.TraceId}/${row.SpanId}`);
  }
  if (stored.size > 0) {
    logger.info({ database, table, alreadyStored: stored.size }, 'skipping rows a failed attempt stored');
  }
  return stored.size === 0 ? rows : rows.filter((row) => !stored.has(`${row.TraceId}/${row.SpanId}`));
}
