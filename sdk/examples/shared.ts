// What the examples share: an OpenAI client for a given base URL, and the tool-calling loop of one agent built on
// Beacon's helpers (llmCall around each model request, tool around each tool execution).
import { llmCall, type MessageInput, tool } from '@beacon/sdk';
import OpenAI from 'openai';

export interface ExampleOptions {
  /** OpenAI-compatible base URL including /v1: the mock provider's, or https://api.openai.com/v1. */
  baseUrl: string;
  /** Default OPENAI_API_KEY, else a placeholder (the mock provider accepts any key). */
  apiKey?: string;
  /** Default gpt-4o-mini. */
  model?: string;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';

export function openaiClient(options: ExampleOptions): OpenAI {
  return new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? 'beacon-example',
    maxRetries: 0,
  });
}

export interface ExampleTool {
  definition: OpenAI.ChatCompletionFunctionTool;
  execute(args: Record<string, unknown>): string;
}

/** A function tool with a JSON-schema object of string parameters. */
export function defineTool(
  name: string,
  description: string,
  parameters: Record<string, string>,
  execute: (args: Record<string, unknown>) => string,
): ExampleTool {
  return {
    definition: {
      type: 'function',
      function: {
        name,
        description,
        parameters: {
          type: 'object',
          properties: Object.fromEntries(
            Object.entries(parameters).map(([key, text]) => [key, { type: 'string', description: text }]),
          ),
          required: Object.keys(parameters),
        },
      },
    },
    execute,
  };
}

export interface ToolLoopResult {
  answer: string;
  /** Names of the tools called, in order. */
  toolCalls: string[];
  llmCalls: number;
}

/**
 * OpenAI's message params as llmCall's messages (a snapshot: the loop keeps appending to its array). The cast is
 * needed because OpenAI's message interfaces have no index signature, which MessageInput's object form has.
 */
export function asMessages(messages: readonly OpenAI.ChatCompletionMessageParam[]): MessageInput[] {
  return messages.map((m) => ({ ...m }) as MessageInput);
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The agent loop: ask the model; run every tool it calls (each in a `tool()` span, with its call id and
 * arguments); hand the results back; stop at the first answer without tool calls (or after `maxSteps`).
 */
export async function runToolLoop(
  client: OpenAI,
  options: { model: string; system: string; user: string; tools: ExampleTool[]; maxSteps?: number },
): Promise<ToolLoopResult> {
  const { model, tools } = options;
  const definitions = tools.map((t) => t.definition);
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: options.system },
    { role: 'user', content: options.user },
  ];
  const result: ToolLoopResult = { answer: '', toolCalls: [], llmCalls: 0 };
  for (let step = 0; step < (options.maxSteps ?? 4); step++) {
    const completion = await llmCall(
      { provider: 'openai', model, messages: asMessages(messages), tools: definitions },
      () => client.chat.completions.create({ model, messages, tools: definitions }),
    );
    result.llmCalls += 1;
    const message = completion.choices[0]?.message;
    if (!message) break;
    const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
    if (calls.length === 0) {
      result.answer = message.content ?? '';
      break;
    }
    messages.push(message);
    for (const call of calls) {
      const spec = tools.find((t) => t.definition.function.name === call.function.name);
      const args = parseArguments(call.function.arguments);
      const output = await tool(
        call.function.name,
        async () => (spec ? spec.execute(args) : `unknown tool ${call.function.name}`),
        { callId: call.id, arguments: args },
      );
      result.toolCalls.push(call.function.name);
      messages.push({ role: 'tool', tool_call_id: call.id, content: output });
    }
  }
  return result;
}
