import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** Routes under the app's base URL (relative, as react-router `<Route path>`s). */
export enum ROUTES {
  Traces = 'traces',
  Compare = 'compare',
  Patterns = 'patterns',
  /** Spend budgets: use, burn-down and forecast. */
  Budgets = 'budgets',
  /** Conversations; `sessions/<sessionId>` is one as a transcript. */
  Sessions = 'sessions',
  /** The agent map (agents, tools and their calls across traces). */
  AgentMap = 'agents',
  /** A trace opened through a share link: `shared/<token>` (no API key needed). */
  Shared = 'shared',
}

/** Data source uids the trace page links to when the config page leaves them empty. */
export const DEFAULT_JAEGER_UID = 'jaeger';
export const DEFAULT_LOKI_UID = 'loki';

/** The plugin's jsonData (settings saved by the config page; secureJsonData holds `apiKey`). */
export interface BeaconJsonData {
  collectorUrl?: string;
  jaegerDatasourceUid?: string;
  lokiDatasourceUid?: string;
}
