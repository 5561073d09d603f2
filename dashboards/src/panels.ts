// Panel factories with Beacon's defaults (legends, tooltips, thresholds, units, sizes): time series, stats, bar
// gauges and tables, over Prometheus or ClickHouse.
import { PanelBuilder as BarGaugePanelBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
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
  FieldColorBuilder,
  FieldColorModeId,
  type Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { ClickHouseQueryBuilder, type PromQuerySpec, prometheusQuery, refId } from './targets.js';
import { CLICKHOUSE, PROMETHEUS } from './variables.js';

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
