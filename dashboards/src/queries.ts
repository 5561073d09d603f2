// Every PromQL expression of the generated dashboards — panel targets and template-variable queries — with the
// Grafana placeholders replaced by concrete values, so tests can parse them (promtool) or run them against a
// real Prometheus.
import { buildDashboards, type GeneratedDashboard } from './generate.js';

export interface DashboardPromQuery {
  /** Dashboard uid, e.g. `beacon-agent-overview`. */
  dashboard: string;
  /** Panel title, or `variable <name>` for a template variable. */
  panel: string;
  /** Query refId within the panel (`var` for a template variable). */
  refId: string;
  /** The expression as stored in the dashboard (with `$__rate_interval`, `$service`, …). */
  expr: string;
  /** The expression with every placeholder substituted: valid PromQL. */
  promql: string;
  /** Whether Grafana runs it as an instant query (true) or a range query (false). */
  instant: boolean;
}

/** Concrete values for Grafana's built-in interval variables. */
export const DEFAULT_INTERVALS: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};

/**
 * Replaces `$__rate_interval`, `$__interval`, `$__range` and template variables (`$name`, `${name}`,
 * `${name:format}`, `[[name]]`) with concrete values. Variables not in `values` become `.*` — every variable
 * the dashboards use in PromQL sits inside a regex label matcher (`label=~"$name"`).
 */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>> = {}): string {
  const all = { ...DEFAULT_INTERVALS, ...values };
  const value = (name: string) => all[name] ?? '.*';
  return expr
    .replace(/\$\{(\w+)(?::[^}]*)?\}/g, (_, name: string) => value(name))
    .replace(/\[\[(\w+)(?::[^\]]*)?\]\]/g, (_, name: string) => value(name))
    .replace(/\$(\w+)/g, (_, name: string) => value(name));
}

/**
 * The PromQL inside a Prometheus template-variable query: `label_values(<selector>, <label>)` → selector,
 * `query_result(<expr>)` → expr. Queries without one (`label_values(<label>)`, `label_names()`) → undefined.
 */
export function variablePromQL(query: string): string | undefined {
  const q = query.trim();
  const labelValues = /^label_values\((.+),\s*[a-zA-Z_]\w*\s*\)$/s.exec(q);
  if (labelValues?.[1] !== undefined) return labelValues[1].trim();
  const queryResult = /^query_result\((.+)\)$/s.exec(q);
  if (queryResult?.[1] !== undefined) return queryResult[1].trim();
  return undefined;
}

interface PanelJson {
  type?: string;
  title?: string;
  datasource?: { type?: string };
  targets?: {
    refId?: string;
    expr?: string;
    rawSql?: string;
    instant?: boolean;
    datasource?: { type?: string };
  }[];
  panels?: PanelJson[];
}

interface VariableJson {
  name?: string;
  type?: string;
  query?: unknown;
  datasource?: { type?: string };
}

function panelsOf(json: Record<string, unknown>): PanelJson[] {
  const out: PanelJson[] = [];
  const walk = (panels: PanelJson[] | undefined) => {
    for (const panel of panels ?? []) {
      out.push(panel);
      walk(panel.panels);
    }
  };
  walk(json.panels as PanelJson[] | undefined);
  return out;
}

/**
 * Lists every Prometheus query of the given dashboards (default: all Beacon dashboards): each panel target
 * and each Prometheus template-variable query, with `promql` ready to run (see `substituteVariables`).
 */
export function listPromQueries(
  dashboards: GeneratedDashboard[] = buildDashboards(),
  values: Readonly<Record<string, string>> = {},
): DashboardPromQuery[] {
  const out: DashboardPromQuery[] = [];
  for (const { uid, json } of dashboards) {
    const templating = json.templating as { list?: VariableJson[] } | undefined;
    for (const variable of templating?.list ?? []) {
      if (variable.type !== 'query' || variable.datasource?.type !== 'prometheus') continue;
      const query = typeof variable.query === 'string' ? variable.query : undefined;
      const expr = query === undefined ? undefined : variablePromQL(query);
      if (expr === undefined) continue;
      out.push({
        dashboard: uid,
        panel: `variable ${variable.name ?? '?'}`,
        refId: 'var',
        expr,
        promql: substituteVariables(expr, values),
        instant: false,
      });
    }
    for (const panel of panelsOf(json)) {
      for (const target of panel.targets ?? []) {
        const type = target.datasource?.type ?? panel.datasource?.type;
        if (type !== 'prometheus' || typeof target.expr !== 'string') continue;
        out.push({
          dashboard: uid,
          panel: panel.title ?? '(untitled)',
          refId: target.refId ?? '?',
          expr: target.expr,
          promql: substituteVariables(target.expr, values),
          instant: target.instant === true,
        });
      }
    }
  }
  return out;
}

export interface DashboardSqlQuery {
  dashboard: string;
  panel: string;
  refId: string;
  /** The SQL as stored, with the ClickHouse data source's macros and template variables. */
  rawSql: string;
  /** The SQL with macros expanded the way grafana-clickhouse-datasource does and variables set to "All". */
  sql: string;
}

/**
 * Expands the ClickHouse data source macros the dashboards use ($__timeFilter, $__timeInterval) for a time range
 * of the last `rangeSeconds`, then the template variables (`${ch_database}` → database, regex variables → `.*`).
 */
export function substituteClickHouseMacros(rawSql: string, database: string, rangeSeconds = 3600): string {
  const expanded = rawSql
    .replace(
      /\$__timeFilter\(([^)]+)\)/g,
      (_, column: string) => `${column} >= now() - INTERVAL ${rangeSeconds} SECOND AND ${column} <= now()`,
    )
    .replace(
      /\$__timeInterval\(([^)]+)\)/g,
      (_, column: string) => `toStartOfInterval(${column}, INTERVAL 60 SECOND)`,
    );
  return substituteVariables(expanded, { ch_database: database });
}

/** Every ClickHouse panel query of the given dashboards (default: all), ready to run against Beacon's tables. */
export function listClickHouseQueries(
  database: string,
  dashboards: GeneratedDashboard[] = buildDashboards(),
): DashboardSqlQuery[] {
  const out: DashboardSqlQuery[] = [];
  for (const { uid, json } of dashboards) {
    for (const panel of panelsOf(json)) {
      for (const target of panel.targets ?? []) {
        if (typeof target.rawSql !== 'string') continue;
        out.push({
          dashboard: uid,
          panel: panel.title ?? '(untitled)',
          refId: target.refId ?? '?',
          rawSql: target.rawSql,
          sql: substituteClickHouseMacros(target.rawSql, database),
        });
      }
    }
  }
  return out;
}
