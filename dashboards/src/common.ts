// Shared pieces of the Beacon dashboards: data source references, template variables, query builders and
// panel factories with Beacon's defaults (legends, thresholds, units). Each dashboard module composes these.

import { PanelBuilder as BarGaugePanelBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import {
  BarGaugeDisplayMode,
  BarGaugeNamePlacement,
  BarGaugeValueMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TableCellDisplayMode,
  TableSortByFieldStateBuilder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  FieldColorBuilder,
  FieldColorModeId,
  QueryVariableBuilder,
  RowBuilder,
  TextBoxVariableBuilder,
  type Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type VariableModel,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

export { RowBuilder };

// ───────────────────────────── data sources and variables ─────────────────────────────

/** `${name}`: a reference to the Grafana variable `name`. */
export const variableRef = (name: string): string => `\${${name}}`;

/** Every Prometheus query goes through the `datasource` variable, so the dashboards work with any Prometheus. */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: variableRef('datasource') };

export const CLICKHOUSE_TYPE = 'grafana-clickhouse-datasource';
/** ClickHouse panels go through the `clickhouse` variable; its default is the provisioned uid `clickhouse`. */
export const CLICKHOUSE: common.DataSourceRef = { type: CLICKHOUSE_TYPE, uid: variableRef('clickhouse') };

export const TAGS = ['beacon'];

export const UNITS = {
  usd: 'currencyUSD',
  tokens: 'count:tokens',
  tokensPerSecond: 'count:tokens/s',
  spans: 'count:spans',
  spansPerSecond: 'count:spans/s',
  perSecond: 'cps',
  requestsPerSecond: 'reqps',
  seconds: 's',
  ratio: 'percentunit',
  bytes: 'bytes',
  count: 'short',
} as const;

export function prometheusVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus')
    .description('Prometheus that scrapes the Beacon collector (job beacon-collector, :4320/metrics).');
}

export function clickhouseVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('clickhouse')
    .label('ClickHouse')
    .type(CLICKHOUSE_TYPE)
    .current({ text: 'clickhouse', value: 'clickhouse' })
    .description('ClickHouse holding the Beacon tables (beacon_genai_spans, beacon_trace_summaries).');
}

export function clickhouseDatabaseVariable(): TextBoxVariableBuilder {
  return new TextBoxVariableBuilder('ch_database')
    .label('ClickHouse database')
    .defaultValue('beacon')
    .current({ text: 'beacon', value: 'beacon' })
    .description('Database of the Beacon tables (BEACON_CLICKHOUSE_DATABASE, default beacon).');
}

/**
 * A multi-value Prometheus label variable with an "All" option matching everything (also series without
 * the label). `query` must be `label_values(<selector>, <label>)`.
 */
export function labelVariable(
  name: string,
  label: string,
  query: string,
  description: string,
): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/** A single-value Prometheus label variable (defaults to the first value). */
export function singleLabelVariable(name: string, label: string, query: string, description: string) {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(false)
    .includeAll(false);
}

/** service → agent → model, chained so each list only shows what the previous selection has. */
export function serviceAgentModelVariables(): QueryVariableBuilder[] {
  return [
    labelVariable(
      'service',
      'Service',
      'label_values(beacon_genai_requests_total, service)',
      'OTel service.name of the instrumented application.',
    ),
    labelVariable(
      'agent',
      'Agent',
      'label_values(beacon_genai_requests_total{service=~"$service"}, agent)',
      'gen_ai.agent.name of the agent that made the call (empty for calls outside an agent).',
    ),
    labelVariable(
      'model',
      'Model',
      'label_values(beacon_genai_requests_total{service=~"$service", agent=~"$agent"}, model)',
      'Model of the call (gen_ai.response.model, else gen_ai.request.model).',
    ),
  ];
}

/** Label matchers for Beacon's own GenAI counters (labels service, agent, model). */
export const GENAI_FILTER = 'service=~"$service", agent=~"$agent", model=~"$model"';

// ───────────────────────────── the dashboard shell ─────────────────────────────

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<VariableModel>[];
  time?: string;
}

export function dashboard(spec: DashboardSpec): DashboardBuilder {
  return new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(TAGS)
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time({ from: spec.time ?? 'now-6h', to: 'now' })
    .refresh('1m')
    .variables(spec.variables)
    .link(
      new DashboardLinkBuilder('Beacon dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags(TAGS)
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true)
        .targetBlank(false)
        .icon('external link')
        .tooltip(''),
    );
}

/**
 * Turns a built dashboard into its JSON form: panels get stable ids (1, 2, … in layout order), and values
 * JSON cannot hold (the SDK's variant marker functions) are dropped.
 */
export function toJson(built: Dashboard): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(built)) as {
    panels?: { id?: number; panels?: { id?: number }[] }[];
  };
  let id = 0;
  for (const panel of json.panels ?? []) {
    panel.id = ++id;
    for (const nested of panel.panels ?? []) nested.id = ++id;
  }
  return json as Record<string, unknown>;
}

// ───────────────────────────── queries ─────────────────────────────

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

// ───────────────────────────── panels ─────────────────────────────

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  w?: number;
  h?: number;
  decimals?: number;
}

export interface TimeseriesSpec extends PanelSpec {
  queries: PromQuerySpec[];
  stack?: boolean;
  min?: number;
  legendCalcs?: string[];
}

function legend(calcs: string[]): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.Table)
    .placement(LegendPlacement.Bottom)
    .calcs(calcs)
    .sortBy(calcs[0] === undefined ? 'Name' : capitalize(calcs[0]))
    .sortDesc(calcs[0] !== undefined);
}

function capitalize(calc: string): string {
  return calc === 'lastNotNull' ? 'Last *' : calc.charAt(0).toUpperCase() + calc.slice(1);
}

function tooltip(): VizTooltipOptionsBuilder {
  return new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending);
}

/** What every Beacon time series panel shares, whatever its data source. */
function baseTimeseries(
  spec: PanelSpec,
  datasource: common.DataSourceRef,
  fillOpacity: number,
): TimeseriesPanelBuilder {
  return new TimeseriesPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasource)
    .unit(spec.unit)
    .span(spec.w ?? 12)
    .height(spec.h ?? 8)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic))
    .lineWidth(1)
    .fillOpacity(fillOpacity)
    .showPoints(VisibilityMode.Never);
}

export function timeseries(spec: TimeseriesSpec): TimeseriesPanelBuilder {
  const panel = baseTimeseries(spec, PROMETHEUS, spec.stack ? 40 : 10)
    .spanNulls(false)
    .legend(legend(spec.legendCalcs ?? ['mean', 'max']))
    .tooltip(tooltip())
    .targets(spec.queries.map(prometheusQuery));
  if (spec.stack) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

/** A ClickHouse-backed time series panel (one SQL query, long format). */
export function clickhouseTimeseries(
  spec: PanelSpec & { sql: string /** Series name, e.g. `${__field.labels.tool}`. */; displayName?: string },
): TimeseriesPanelBuilder {
  const panel = baseTimeseries(spec, CLICKHOUSE, 10)
    .legend(legend(['mean', 'max']))
    .tooltip(tooltip())
    .min(0)
    .withTarget(new ClickHouseQueryBuilder(spec.sql).refId('A').timeSeries());
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.displayName !== undefined) panel.displayName(spec.displayName);
  return panel;
}

export const steps = (...s: Threshold[]) =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(s);

/** Neutral: the value is information, not a verdict. */
export const NEUTRAL = steps({ value: null, color: 'text' });
/** Anything above zero deserves a look (rejections, drops, write errors, unpriced spans…). */
export const ZERO_IS_GOOD = steps({ value: null, color: 'green' }, { value: 1e-9, color: 'orange' });
/** Error ratios: 1 % is worth a look, 5 % is bad. */
export const ERROR_RATIO = steps(
  { value: null, color: 'green' },
  { value: 0.01, color: 'orange' },
  { value: 0.05, color: 'red' },
);

export interface StatSpec extends PanelSpec {
  query: PromQuerySpec;
  thresholds?: ThresholdsConfigBuilder;
  /** Show a sparkline (range queries only). */
  sparkline?: boolean;
  /** Shown when the query returns nothing (default: Grafana's "No data"). Use '0' for counts. */
  noValue?: string;
}

export function stat(spec: StatSpec): StatPanelBuilder {
  const thresholds = spec.thresholds ?? NEUTRAL;
  const panel = new StatPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .span(spec.w ?? 4)
    .height(spec.h ?? 4)
    .thresholds(thresholds)
    .colorMode(thresholds === NEUTRAL ? BigValueColorMode.None : BigValueColorMode.Value)
    .graphMode(spec.sparkline ? BigValueGraphMode.Area : BigValueGraphMode.None)
    .justifyMode(BigValueJustifyMode.Auto)
    .textMode(BigValueTextMode.Value)
    .orientation(VizOrientation.Auto)
    .reduceOptions(new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields(''))
    .withTarget(prometheusQuery(spec.query, 0));
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.noValue !== undefined) panel.noValue(spec.noValue);
  return panel;
}

export interface BarGaugeSpec extends PanelSpec {
  query: PromQuerySpec;
}

/** Horizontal bars, one per series of an instant query (e.g. a topk over the selected range). */
export function barGauge(spec: BarGaugeSpec): BarGaugePanelBuilder {
  const panel = new BarGaugePanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .span(spec.w ?? 12)
    .height(spec.h ?? 8)
    .min(0)
    .thresholds(steps({ value: null, color: 'blue' }))
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .displayMode(BarGaugeDisplayMode.Gradient)
    .valueMode(BarGaugeValueMode.Color)
    .namePlacement(BarGaugeNamePlacement.Top)
    .showUnfilled(true)
    .orientation(VizOrientation.Horizontal)
    .reduceOptions(new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields(''))
    .withTarget(prometheusQuery({ ...spec.query, instant: true }, 0));
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

export interface TableColumn {
  /** Column header. */
  name: string;
  expr: string;
  unit: string;
  decimals?: number;
  thresholds?: ThresholdsConfigBuilder;
}

export interface TableSpec extends Omit<PanelSpec, 'unit'> {
  /** Label that identifies a row (e.g. `agent`), shown first. */
  rowLabel: string;
  rowLabelTitle: string;
  columns: TableColumn[];
  sortBy: string;
}

/**
 * One row per value of `rowLabel`, one column per instant query: the queries are merged on the label, the
 * `Value #X` columns renamed and given their units.
 */
export function labelTable(spec: TableSpec): TablePanelBuilder {
  const renameByName: Record<string, string> = { [spec.rowLabel]: spec.rowLabelTitle };
  const indexByName: Record<string, number> = { [spec.rowLabel]: 0 };
  spec.columns.forEach((column, i) => {
    renameByName[`Value #${refId(i)}`] = column.name;
    indexByName[`Value #${refId(i)}`] = i + 1;
  });
  const panel = new TablePanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .span(spec.w ?? 24)
    .height(spec.h ?? 9)
    .showHeader(true)
    .filterable(true)
    .thresholds(NEUTRAL)
    .sortBy([new TableSortByFieldStateBuilder().displayName(spec.sortBy).desc(true)])
    .targets(
      spec.columns.map((column, i) => prometheusQuery({ expr: column.expr, instant: true, table: true }, i)),
    )
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: { excludeByName: { Time: true }, indexByName, renameByName },
    });
  for (const column of spec.columns) {
    const properties: { id: string; value: unknown }[] = [{ id: 'unit', value: column.unit }];
    if (column.decimals !== undefined) properties.push({ id: 'decimals', value: column.decimals });
    if (column.thresholds) {
      properties.push({ id: 'thresholds', value: column.thresholds.build() });
      properties.push({ id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorText } });
    }
    panel.overrideByName(column.name, properties);
  }
  return panel;
}

/** A table fed by one ClickHouse SQL query; `units` maps column names to units. */
export function clickhouseTable(
  spec: Omit<PanelSpec, 'unit'> & { sql: string; units: Record<string, string>; sortBy?: string },
): TablePanelBuilder {
  const panel = new TablePanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(CLICKHOUSE)
    .span(spec.w ?? 12)
    .height(spec.h ?? 9)
    .showHeader(true)
    .filterable(true)
    .thresholds(NEUTRAL)
    .withTarget(new ClickHouseQueryBuilder(spec.sql).refId('A').table());
  if (spec.sortBy !== undefined) {
    panel.sortBy([new TableSortByFieldStateBuilder().displayName(spec.sortBy).desc(true)]);
  }
  for (const [name, unit] of Object.entries(spec.units))
    panel.overrideByName(name, [{ id: 'unit', value: unit }]);
  return panel;
}

export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}
