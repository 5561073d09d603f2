// Small SQL helpers. Values always travel as server-side parameters ({name:Type}); only identifiers (the configured
// database, Beacon's own table names) and validated integers are ever spliced into statement text.
import type { ClickHouseClient } from '@clickhouse/client';

/** Runs a SELECT with server-side bound parameters and returns its rows. */
export async function queryRows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Backtick-quotes an identifier, escaping backslashes and backticks, as the contrib exporter's `ident` does. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

/** `db`.`table` */
export function qualifiedName(database: string, table: string): string {
  return `${quoteIdentifier(database)}.${quoteIdentifier(table)}`;
}

/** DDL cannot bind parameters, so numbers spliced into it are checked here first. */
export function assertPositiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
