// One Beacon MCP server: the tools of tools/ over a query API client. The stdio command and the streamable HTTP
// endpoint each build it with their caller's key.
import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type BeaconToolsOptions, registerBeaconTools } from './tools/index.js';

/** The collector's package version: what the server reports in its MCP handshake. */
function collectorVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const VERSION = collectorVersion();

export const MCP_INSTRUCTIONS =
  'Beacon holds the OpenTelemetry traces of AI agents: each trace is one agent run with its LLM calls, tool calls ' +
  'and sub-agents, their tokens, cost (USD) and errors. Start with query_traces (filters: status "error", agent, ' +
  'model, time range) or get_costs; drill into a run with get_trace and analyze_trace. Everything is read-only and ' +
  "limited to the API key's tenant.";

export function createBeaconMcpServer(options: BeaconToolsOptions): McpServer {
  const server = new McpServer(
    { name: 'beacon', title: 'Beacon agent observability', version: VERSION },
    { instructions: MCP_INSTRUCTIONS },
  );
  registerBeaconTools(server, options);
  return server;
}
