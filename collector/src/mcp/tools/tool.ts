// What a Beacon MCP tool is: a name, its MCP config (title, description, input and output schemas, annotations) and
// the answer it computes from its arguments with the query API client. defineTool() registers it with a server and
// turns the API's errors into MCP tool errors, so a tool's file holds only what is particular to it.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { type BeaconApiClient, BeaconApiError } from '../beacon-api.js';

export const API = '/api/v1';

export interface BeaconToolsOptions {
  api: BeaconApiClient;
  /**
   * Prometheus whose firing alerts get_alerts adds. `tenant`: keep only alerts labelled with that tenant — set when
   * the collector answers for a remote caller (streamable HTTP with auth on), since Prometheus holds every tenant's
   * alerts; unset for a stdio server, which reaches the Prometheus its user configured.
   */
  prometheus?: { url: string; tenant?: string };
}

export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** A tool's wrong input that its schema cannot express (e.g. from later than to): answered as a tool error. */
export class ToolInputError extends Error {}

export interface BeaconTool<Name extends string = string> {
  readonly name: Name;
  register(server: McpServer, options: BeaconToolsOptions): void;
}

export interface ToolConfig<In extends ZodRawShapeCompat, Out extends ZodRawShapeCompat> {
  title: string;
  description: string;
  inputSchema: In;
  /** Also what a client can rely on: the answer is checked against it. */
  outputSchema: Out;
  annotations: ToolAnnotations;
}

export function defineTool<
  const Name extends string,
  In extends ZodRawShapeCompat,
  Out extends ZodRawShapeCompat,
>(
  name: Name,
  config: ToolConfig<In, Out>,
  answer: (args: ShapeOutput<In>, options: BeaconToolsOptions) => Promise<Record<string, unknown>>,
): BeaconTool<Name> {
  return {
    name,
    register(server, options) {
      // Registered as for any input shape: the SDK parses the arguments with config.inputSchema before the
      // callback runs, so they are ShapeOutput<In> (which TypeScript cannot carry through the SDK's conditional
      // callback type for a generic In).
      server.registerTool<Out, ZodRawShapeCompat>(name, config, (args) =>
        run(() => answer(args as ShapeOutput<In>, options)),
      );
    },
  };
}

function structured(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Runs a tool body; the API's errors (404 unknown trace, 401 bad key, 400 bad input) become MCP tool errors. */
async function run(body: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return structured(await body());
  } catch (err) {
    if (err instanceof BeaconApiError)
      return toolError(
        err.status === 0 ? err.message : `Beacon API ${err.status} ${err.code}: ${err.message}`,
      );
    if (err instanceof ToolInputError) return toolError(err.message);
    throw err;
  }
}
