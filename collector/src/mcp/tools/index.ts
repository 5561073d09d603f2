// The Beacon MCP tools: read-only questions an agent (or its developer's assistant) asks about agent runs. Each tool
// is one or a few calls to the query API with the caller's key (../beacon-api.ts), answered as compact JSON trimmed
// to what an agent acts on: ids, names, durations, status, models, tokens, cost, errors — messages only when asked.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getAlerts } from './alerts.js';
import { analyzeTrace } from './analysis.js';
import { checkBudget, getCosts } from './costs.js';
import type { BeaconToolsOptions } from './tool.js';
import { getTrace, queryTraces, searchSpans } from './traces.js';

export type { BeaconToolsOptions };

/**
 * Every tool the server offers, in the order tools/list shows them. Add a new MCP tool here: define it with
 * defineTool() (tool.ts) in the file of its group — traces.ts, costs.ts, alerts.ts, analysis.ts, or a new one — and
 * list it below.
 */
const BEACON_TOOLS = [
  queryTraces,
  getTrace,
  searchSpans,
  getCosts,
  checkBudget,
  getAlerts,
  analyzeTrace,
] as const;

export type ToolName = (typeof BEACON_TOOLS)[number]['name'];

export const TOOL_NAMES: readonly ToolName[] = BEACON_TOOLS.map((tool) => tool.name);

export function registerBeaconTools(server: McpServer, options: BeaconToolsOptions): void {
  for (const tool of BEACON_TOOLS) tool.register(server, options);
}
