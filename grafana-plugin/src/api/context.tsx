// What the App needs from its host, in one React context: the data client, where the app is mounted in the
// router, and where Grafana's Explore lives (for "Open in Jaeger" / "Logs for this trace" links).
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { DEFAULT_JAEGER_UID, DEFAULT_LOKI_UID, PLUGIN_BASE_URL, ROUTES } from '../constants';
import type { BeaconClient } from './client';

export interface ExploreLinksConfig {
  /** Grafana's root URL ('' = same origin, as inside Grafana); null hides the Explore links. */
  grafanaUrl: string | null;
  jaegerDatasourceUid: string;
  lokiDatasourceUid: string;
}

/** Who draws the page chrome: Grafana (PluginPage: title, breadcrumbs, actions) or the app itself. */
export type BeaconHost = 'grafana' | 'standalone';

export interface BeaconEnv {
  client: BeaconClient;
  host: BeaconHost;
  /** The app's location in the router, without a trailing slash: '/a/beacon-agents-app' in Grafana. */
  basePath: string;
  links: ExploreLinksConfig;
}

const BeaconContext = createContext<BeaconEnv | null>(null);

export const DEFAULT_LINKS: ExploreLinksConfig = {
  grafanaUrl: null,
  jaegerDatasourceUid: DEFAULT_JAEGER_UID,
  lokiDatasourceUid: DEFAULT_LOKI_UID,
};

export interface BeaconProviderProps {
  client: BeaconClient;
  /** Default 'standalone'. */
  host?: BeaconHost;
  basePath?: string;
  links?: Partial<ExploreLinksConfig>;
  children: ReactNode;
}

export function BeaconProvider({
  client,
  host = 'standalone',
  basePath = PLUGIN_BASE_URL,
  links,
  children,
}: BeaconProviderProps) {
  const grafanaUrl = links?.grafanaUrl;
  const jaeger = links?.jaegerDatasourceUid;
  const loki = links?.lokiDatasourceUid;
  const env = useMemo<BeaconEnv>(
    () => ({
      client,
      host,
      basePath: basePath.replace(/\/+$/, ''),
      links: {
        grafanaUrl: grafanaUrl === undefined ? DEFAULT_LINKS.grafanaUrl : grafanaUrl,
        jaegerDatasourceUid: jaeger || DEFAULT_LINKS.jaegerDatasourceUid,
        lokiDatasourceUid: loki || DEFAULT_LINKS.lokiDatasourceUid,
      },
    }),
    [client, host, basePath, grafanaUrl, jaeger, loki],
  );
  return <BeaconContext.Provider value={env}>{children}</BeaconContext.Provider>;
}

export function useBeaconEnv(): BeaconEnv {
  const env = useContext(BeaconContext);
  if (!env) throw new Error('Beacon components must be rendered inside <BeaconProvider client={…}>');
  return env;
}

export function useBeaconClient(): BeaconClient {
  return useBeaconEnv().client;
}

export interface AppPaths {
  /** The trace list, optionally with filters in its query (e.g. `{ failure: 'rate_limit' }`). */
  traces(filters?: Record<string, string>): string;
  trace(traceId: string, spanId?: string | null): string;
  compare(a?: string, b?: string): string;
  /** Error patterns across traces. */
  patterns(): string;
}

export function appPaths(basePath: string): AppPaths {
  const enc = encodeURIComponent;
  return {
    traces: (filters) => {
      const qs = new URLSearchParams(filters).toString();
      return `${basePath}/${ROUTES.Traces}${qs ? `?${qs}` : ''}`;
    },
    trace: (traceId, spanId) =>
      `${basePath}/${ROUTES.Traces}/${enc(traceId)}${spanId ? `/${enc(spanId)}` : ''}`,
    compare: (a, b) => {
      const params = new URLSearchParams();
      if (a) params.set('a', a);
      if (b) params.set('b', b);
      const qs = params.toString();
      return `${basePath}/${ROUTES.Compare}${qs ? `?${qs}` : ''}`;
    },
    patterns: () => `${basePath}/${ROUTES.Patterns}`,
  };
}

/** Absolute router paths of the app's pages (under the router's basename). */
export function usePaths(): AppPaths {
  const { basePath } = useBeaconEnv();
  return useMemo(() => appPaths(basePath), [basePath]);
}
