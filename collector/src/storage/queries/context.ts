// What every query of the API needs: the client, the database its tables live in, and the conventions that make a
// ClickHouse server and the embedded engine answer alike.
//
// - Values are always server-side parameters ({name:Type}); statement text is assembled only from the constant
//   fragments in these files and Beacon's own (quoted) table names.
// - 64-bit integers come back quoted from a server and unquoted from chDB: counts are selected as toFloat64(…),
//   nanosecond instants and durations as toString(…) (decimal strings, parsed with BigInt where needed).
// - Instants travel in as Int64 nanoseconds since the epoch and are compared via fromUnixTimestamp64Nano, so no
//   time zone is ever involved.
import type { ClickHouseClient } from '@clickhouse/client';
import { qualifiedName, queryRows } from '../sql.js';
import { TABLES } from '../tables.js';

export interface QueryContext {
  client: ClickHouseClient;
  database: string;
}

export type TableKey = keyof typeof TABLES;

/** `db`.`table` for one of Beacon's tables. */
export function table(ctx: QueryContext, key: TableKey): string {
  return qualifiedName(ctx.database, TABLES[key]);
}

export function select<T>(
  ctx: QueryContext,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  return queryRows<T>(ctx.client, sql, params);
}

/** A DateTime64 column or expression → nanoseconds since the epoch as a decimal string. */
export function nanosText(expr: string): string {
  return `toString(toUnixTimestamp64Nano(${expr}))`;
}

/** A bound Int64 nanosecond parameter as a DateTime64(9) for comparisons. */
export function instantParam(name: string): string {
  return `fromUnixTimestamp64Nano({${name}:Int64})`;
}

/** Nanoseconds (decimal string from the database) → milliseconds, fractions kept. */
export function nanosToMs(nanos: string | number | bigint): number {
  return Number(BigInt(nanos)) / 1e6;
}

/** '' (ClickHouse's "unset" for strings) → null. */
export function orNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

/** Costs are float sums whose last bits depend on summation order (how spans were batched): 1e-10 USD is plenty. */
export const COST_DECIMALS = 10;

/** True when the text holds a C0 control character or DEL. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
