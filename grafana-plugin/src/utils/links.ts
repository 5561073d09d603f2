// Explore URLs for a trace: Jaeger's trace view and Loki logs filtered by the trace id.
import type { ExploreLinksConfig } from '../api/context';

export interface TraceLinkTarget {
  traceId: string;
  serviceName: string;
  /** Epoch ms. */
  startMs: number;
  endMs: number;
}

const PAD_MS = 5 * 60_000;

function exploreUrl(
  grafanaUrl: string,
  datasourceUid: string,
  query: Record<string, unknown>,
  t: TraceLinkTarget,
) {
  const from = Math.floor((t.startMs || Date.now() - 3_600_000) - PAD_MS);
  const to = Math.ceil((t.endMs || Date.now()) + PAD_MS);
  const panes = {
    beacon: {
      datasource: datasourceUid,
      queries: [{ refId: 'A', ...query }],
      range: { from: String(from), to: String(to) },
    },
  };
  const base = grafanaUrl.replace(/\/+$/, '');
  return `${base}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}

/** The trace in Explore through the Jaeger data source; null when there is no Grafana to link to. */
export function jaegerTraceUrl(links: ExploreLinksConfig, t: TraceLinkTarget): string | null {
  if (links.grafanaUrl === null) return null;
  const uid = links.jaegerDatasourceUid;
  return exploreUrl(links.grafanaUrl, uid, { datasource: { type: 'jaeger', uid }, query: t.traceId }, t);
}

function logqlString(value: string): string {
  return JSON.stringify(value);
}

/** Loki logs of the trace's service that mention the trace id (Grafana's trace-to-logs convention). */
export function lokiLogsUrl(links: ExploreLinksConfig, t: TraceLinkTarget): string | null {
  if (links.grafanaUrl === null) return null;
  const uid = links.lokiDatasourceUid;
  const selector = t.serviceName ? `{service_name=${logqlString(t.serviceName)}}` : '{service_name=~".+"}';
  const expr = `${selector} |= ${logqlString(t.traceId)}`;
  return exploreUrl(links.grafanaUrl, uid, { datasource: { type: 'loki', uid }, expr }, t);
}
