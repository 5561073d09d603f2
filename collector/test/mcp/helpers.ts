// The MCP test's tool calls and the shapes of the answers it reads.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';

export interface ToolAnswer {
  isError: boolean;
  text: string;
  json: Record<string, unknown>;
}

/** Calls a tool; checks that the text content is the JSON of structuredContent (what clients without it read). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  const text = content.map((c) => c.text).join('\n');
  if (result.isError) return { isError: true, text, json: {} };
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  return { isError: false, text, json: result.structuredContent as Record<string, unknown> };
}

/** Like callTool, but the answer must not be an error; typed as the caller expects. */
export async function answer<T>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await callTool(client, name, args);
  expect(result.isError, result.text).toBe(false);
  return result.json as T;
}
export interface TraceRow {
  traceId: string;
  status: string;
  errors: number;
  spans: number;
  llmCalls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  rootAgent?: string;
  service: string;
}
export interface SpanRow {
  spanId: string;
  parentSpanId?: string;
  name: string;
  status: string;
  error?: string;
  operation?: string;
  model?: string;
  tool?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  inputMessages?: unknown[];
}
export interface CostGroup {
  key: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}
export interface Costs {
  totals: CostGroup & { traces: number };
  groups: CostGroup[];
  timeseries?: { series: { key: string; points: CostGroup[] }[] };
}
export interface Alerts {
  alerts: {
    source: string;
    name: string;
    severity: string;
    state: string;
    summary: string;
    ratio?: number;
  }[];
  notes: string[];
}
