// The streamable HTTP MCP endpoint the collector serves at /mcp on its API port (stateless: one MCP server per POST,
// no session). The API server has already checked the caller's key (read scope); the tools then call this
// collector's own query API over loopback with that same key, so they see exactly what the key may read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../logger.js';
import { createBeaconApiClient } from '../mcp/beacon-api.js';
import { createBeaconMcpServer } from '../mcp/server.js';
import { readJsonBody, sendJson } from './http.js';
import type { RawHandler } from './server.js';

export const MCP_PATH = '/mcp';

export interface McpHttpOptions {
  /** BEACON_PROMETHEUS_URL: get_alerts adds its firing alerts (only the caller's tenant's when auth is on). */
  prometheusUrl?: string;
  maxBodyBytes: number;
  logger: Logger;
}

/** This API server, as reached by the request: the address and port it arrived at (so always one it listens on). */
function selfUrl(req: IncomingMessage): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}

export function createMcpHttpHandler(options: McpHttpOptions): RawHandler {
  return {
    access: 'read',
    async handle(req: IncomingMessage, res: ServerResponse, caller) {
      // Stateless: no session to resume (GET) or end (DELETE), as the MCP SDK's stateless servers answer.
      if (req.method !== 'POST') {
        sendJson(
          res,
          405,
          {
            jsonrpc: '2.0',
            error: {
              code: -32000,
              message: `${req.method} is not supported: POST JSON-RPC messages to ${MCP_PATH}`,
            },
            id: null,
          },
          { allow: 'POST' },
        );
        return;
      }
      const body = await readJsonBody(req, options.maxBodyBytes);
      const server = createBeaconMcpServer({
        api: createBeaconApiClient({ url: selfUrl(req), apiKey: caller.credential }),
        prometheus: options.prometheusUrl
          ? {
              url: options.prometheusUrl,
              // With auth off every caller is the anonymous principal of the default tenant: one user, no filter.
              tenant: caller.principal.keyId === null ? undefined : caller.principal.tenant,
            }
          : undefined,
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      transport.onerror = (err) => options.logger.warn({ err }, 'MCP request failed');
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    },
  };
}
