// Serving one set of metrics in both text formats. The metrics live in an OpenMetrics registry (prom-client only
// records exemplars there); Prometheus asks for OpenMetrics and gets the exemplars, any other client (curl, a
// browser, an older scraper) gets the classic text format rendered from the very same metric objects.
import { type OpenMetricsContentType, Registry } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export interface Exposition {
  contentType: string;
  body: string;
}

const OPENMETRICS_MEDIA_TYPE = 'application/openmetrics-text';
const CLASSIC_MEDIA_RANGES = new Set(['text/plain', 'text/*', '*/*']);

/**
 * True when the Accept header prefers OpenMetrics 1.0.0 (the version prom-client writes) to the classic text format,
 * by q-value; ties go to OpenMetrics. Prometheus' scrapes ask for OpenMetrics first; curl and browsers do not.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let openMetrics = 0;
  let classic = 0;
  for (const range of accept.split(',')) {
    const [mediaType = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    let q = 1;
    let version: string | undefined;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq === -1) continue;
      const key = param.slice(0, eq).trim();
      const value = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') q = Number(value);
      else if (key === 'version') version = value;
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (mediaType === OPENMETRICS_MEDIA_TYPE) {
      if (version === undefined || version === '1.0.0') openMetrics = Math.max(openMetrics, q);
    } else if (CLASSIC_MEDIA_RANGES.has(mediaType)) {
      classic = Math.max(classic, q);
    }
  }
  return openMetrics > 0 && openMetrics >= classic;
}

/** The parts of a prom-client metric the registry's text writer reads. */
interface RenderableMetric {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  get(): Promise<{ name: string }>;
  getForPromString?(): Promise<{ name: string }>;
}

/**
 * A read-only view of `metric` under its classic-format name. prom-client's OpenMetrics writer renames counters in
 * place (`x_total` → family `x`, samples `x_total`); the classic format wants `x_total` for both, so the view names
 * every counter `<family>_total` whatever state the shared object is in.
 */
function classicView(metric: RenderableMetric): RenderableMetric {
  const name = metric.type === 'counter' ? `${metric.name.replace(/_total$/, '')}_total` : metric.name;
  const view: RenderableMetric = {
    name,
    help: metric.help,
    type: metric.type,
    aggregator: metric.aggregator,
    get: async () => ({ ...(await metric.get()), name }),
  };
  const forPromString = metric.getForPromString?.bind(metric);
  if (forPromString) view.getForPromString = async () => ({ ...(await forPromString()), name });
  return view;
}

/** Classic Prometheus text format (0.0.4) of every metric in an OpenMetrics registry, exemplars left out. */
export async function renderClassic(registry: Registry<OpenMetricsContentType>): Promise<string> {
  const classic = new Registry();
  for (const metric of registry.getMetricsAsArray()) {
    classic.registerMetric(classicView(metric as unknown as RenderableMetric) as never);
  }
  return classic.metrics();
}

/** The exposition the Accept header asks for. */
export async function renderExposition(
  registry: Registry<OpenMetricsContentType>,
  accept: string | undefined,
): Promise<Exposition> {
  if (prefersOpenMetrics(accept))
    return { contentType: OPENMETRICS_CONTENT_TYPE, body: await registry.metrics() };
  return { contentType: PROMETHEUS_CONTENT_TYPE, body: await renderClassic(registry) };
}
