// `beacon-collector mcp`: the MCP server on stdin/stdout for a local MCP client (Claude Desktop, an IDE, an agent),
// answering from a running collector's query API. stdout is the protocol channel: anything else goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createBeaconApiClient } from './beacon-api.js';
import { createBeaconMcpServer } from './server.js';

export interface StdioMcpOptions {
  /** The collector's API base URL. */
  url: string;
  apiKey?: string;
  prometheusUrl?: string;
}

export async function runStdioMcpServer(options: StdioMcpOptions): Promise<void> {
  const server = createBeaconMcpServer({
    api: createBeaconApiClient({ url: options.url, apiKey: options.apiKey }),
    prometheus: options.prometheusUrl ? { url: options.prometheusUrl } : undefined,
  });
  const transport = new StdioServerTransport();
  // The client closing stdin ends the session: exit rather than linger as an orphan.
  process.stdin.on('end', () => {
    void server.close().finally(() => process.exit(0));
  });
  await server.connect(transport);
  console.error(
    `beacon MCP server on stdio, reading ${options.url}${options.apiKey ? ' with an API key' : ' without an API key'}`,
  );
}
