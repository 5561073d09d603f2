// Data sources and template variables of the Beacon dashboards: every query reaches Prometheus and ClickHouse
// through a variable, so the dashboards work with any instance of either.
import type * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** `${name}`: a reference to the Grafana variable `name`. */
export const variableRef = (name: string): string => `\${${name}}`;

/** Every Prometheus query goes through the `datasource` variable, so the dashboards work with any Prometheus. */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: variableRef('datasource') };

export const CLICKHOUSE_TYPE = 'grafana-clickhouse-datasource';
/** ClickHouse panels go through the `clickhouse` variable; its default is the provisioned uid `clickhouse`. */
export const CLICKHOUSE: common.DataSourceRef = { type: CLICKHOUSE_TYPE, uid: variableRef('clickhouse') };

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
