// Panel targets: the Prometheus and ClickHouse queries a panel runs, with their refIds and data sources.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { CLICKHOUSE, PROMETHEUS } from './variables.js';

export interface PromQuerySpec {
  expr: string;
  /** Legend template, e.g. `{{agent}}`. */
  legend?: string;
  /** Instant query (a value at the end of the range) rather than a range query. */
  instant?: boolean;
  /** Table format (one row per series), for table panels. */
  table?: boolean;
  /** Also fetch exemplars (trace ids attached to histogram observations). */
  exemplar?: boolean;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function refId(index: number): string {
  const ref = REF_IDS[index];
  if (ref === undefined) throw new Error(`too many queries in one panel (${index + 1})`);
  return ref;
}

export function prometheusQuery(spec: PromQuerySpec, index: number): DataqueryBuilder {
  const query = new DataqueryBuilder().datasource(PROMETHEUS).refId(refId(index)).expr(spec.expr);
  if (spec.legend !== undefined) query.legendFormat(spec.legend);
  if (spec.instant) query.instant();
  else query.range();
  if (spec.table) query.format(PromQueryFormat.Table);
  if (spec.exemplar) query.exemplar(true);
  return query;
}

/** ClickHouse query format, as the backend (grafana/sqlds FormatQueryOption) expects it. */
export enum ClickHouseFormat {
  TimeSeries = 0,
  Table = 1,
}

/** A raw-SQL query of the grafana-clickhouse-datasource plugin (v4 query model). */
export interface ClickHouseQuery extends cog.Dataquery {
  refId?: string;
  hide?: boolean;
  datasource?: common.DataSourceRef;
  pluginVersion: string;
  editorType: 'sql';
  queryType: 'table' | 'timeseries';
  format: ClickHouseFormat;
  rawSql: string;
}

export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql: string) {
    this.internal = {
      datasource: CLICKHOUSE,
      // ≥ 4.0.0 tells the plugin this query needs no migration from its v3 model.
      pluginVersion: '4.0.0',
      editorType: 'sql',
      queryType: 'table',
      format: ClickHouseFormat.Table,
      rawSql,
      _implementsDataqueryVariant() {},
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  /** Long-format rows (time, label columns…, values) that Grafana turns into one series per label set. */
  timeSeries(): this {
    this.internal.queryType = 'timeseries';
    this.internal.format = ClickHouseFormat.TimeSeries;
    return this;
  }

  table(): this {
    this.internal.queryType = 'table';
    this.internal.format = ClickHouseFormat.Table;
    return this;
  }
}

/**
 * SQL condition: `column` matches a multi-value Grafana variable. With "All" the variable's custom all value
 * `.*` is inserted as is (Grafana does not format custom all values); other values come regex-escaped.
 */
export function chMatches(column: string, variable: string): string {
  return `match(${column}, '^(\${${variable}:regex})$')`;
}

/** SQL condition for an array column: some element matches the variable, or the variable is "All". */
export function chAnyMatches(column: string, variable: string): string {
  return `('\${${variable}:regex}' = '.*' OR arrayExists(x -> match(x, '^(\${${variable}:regex})$'), ${column}))`;
}

/** A Beacon table qualified with the `ch_database` variable. */
export function chTable(name: string): string {
  return `\${ch_database}.${name}`;
}
