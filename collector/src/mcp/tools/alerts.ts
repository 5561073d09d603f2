// get_alerts: what needs attention now — budgets past a threshold and the firing alerts of the configured
// Prometheus (only the caller's tenant's when the collector answers for a remote caller).
import { z } from 'zod';
import type { BudgetListResponse } from '../../contract/index.js';
import { type BeaconApiClient, BeaconApiError, fetchPrometheusAlerts } from '../beacon-api.js';
import { compact, round } from './fields.js';
import { API, type BeaconToolsOptions, defineTool, READ_ONLY } from './tool.js';

const alertRow = {
  source: z.enum(['budget', 'prometheus']),
  name: z.string(),
  severity: z.string(),
  state: z.string(),
  summary: z.string(),
  ratio: z.number().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  activeAt: z.string().optional(),
};
type AlertRow = z.infer<z.ZodObject<typeof alertRow>>;

export const getAlerts = defineTool(
  'get_alerts',
  {
    title: 'What needs attention now',
    description:
      'Budgets used past `threshold` of their limit (critical at 100%, warning at 75%/90%, info below), and ' +
      'the firing alerts of the Prometheus Beacon is configured with (BEACON_PROMETHEUS_URL): error rates, ' +
      'latency, token burn, collector health. `notes` says which sources were not available.',
    inputSchema: {
      threshold: z
        .number()
        .min(0)
        .max(10)
        .default(0.75)
        .describe('Budget ratio (used / limit) from which a budget is listed; 0.75 = 75%.'),
      includePending: z.boolean().default(false).describe('Also Prometheus alerts not firing yet (pending).'),
    },
    outputSchema: { alerts: z.array(z.object(alertRow)), notes: z.array(z.string()) },
    annotations: READ_ONLY,
  },
  async (args, options) => {
    const notes: string[] = [];
    const alerts: AlertRow[] = [...(await budgetAlerts(options.api, args.threshold, notes))];
    const prometheus = options.prometheus;
    if (!prometheus) {
      notes.push('no Prometheus configured (BEACON_PROMETHEUS_URL): only budgets were checked');
    } else {
      try {
        alerts.push(...prometheusAlerts(await fetchPrometheusAlerts(prometheus.url), prometheus, args));
      } catch (err) {
        notes.push((err as Error).message);
      }
    }
    return { alerts, notes };
  },
);

// ---------------------------------------------------------------------------------------------------------------
// get_alerts sources

function budgetSeverity(ratio: number): string {
  if (ratio >= 1) return 'critical';
  if (ratio >= 0.75) return 'warning';
  return 'info';
}

/** Budgets at or past the threshold, from GET /budgets (each with its current period's spend). */
async function budgetAlerts(api: BeaconApiClient, threshold: number, notes: string[]): Promise<AlertRow[]> {
  let listed: BudgetListResponse;
  try {
    listed = await api.get<BudgetListResponse>(`${API}/budgets`);
  } catch (err) {
    // A collector without the budgets API answers 404 `no route`: nothing the caller can fix.
    if (err instanceof BeaconApiError && err.status === 404) {
      notes.push('this collector has no budgets API: no budget was checked');
      return [];
    }
    throw err;
  }
  if (listed.budgets.length === 0) notes.push('no budgets defined');
  return listed.budgets
    .filter((b) => b.ratio >= threshold)
    .sort((a, b) => b.ratio - a.ratio)
    .map((b) => ({
      source: 'budget' as const,
      name: b.name,
      severity: budgetSeverity(b.ratio),
      state: b.ratio >= 1 ? 'exhausted' : 'over_threshold',
      summary: `budget ${b.name}: ${round(b.used, 4)} of ${b.limit} ${b.unit} used this ${b.period} (${Math.round(b.ratio * 100)}%)`,
      ratio: round(b.ratio, 4),
    }));
}

function prometheusAlerts(
  alerts: Awaited<ReturnType<typeof fetchPrometheusAlerts>>,
  prometheus: NonNullable<BeaconToolsOptions['prometheus']>,
  args: { includePending: boolean },
): AlertRow[] {
  return alerts
    .filter((a) => a.state === 'firing' || (args.includePending && a.state === 'pending'))
    .filter((a) => prometheus.tenant === undefined || a.labels.tenant === prometheus.tenant)
    .map((a) =>
      compact({
        source: 'prometheus' as const,
        name: a.labels.alertname ?? 'unnamed',
        severity: a.labels.severity ?? 'none',
        state: a.state,
        summary: a.annotations.summary ?? a.annotations.description ?? a.labels.alertname ?? '',
        labels: a.labels,
        activeAt: a.activeAt,
      }),
    );
}
