// Shared by the budget tests: a price override that makes spend easy to reason about ($1 per token of model
// `budget-model`, so a call of N input + M output tokens costs $N+M), and LLM calls sent over OTLP/HTTP.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newSpanId, postTracesOk, type SpanSpec, traceRequest } from '../support/otlp-json.js';

export const PRICED_MODEL = 'budget-model';

/** A price override file pricing PRICED_MODEL at $1 per input or output token. */
export function writePriceFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'beacon-budget-prices-')), 'prices.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 'budget-test',
      models: [{ match: PRICED_MODEL, input_per_mtok: 1_000_000, output_per_mtok: 1_000_000 }],
    }),
  );
  return file;
}

export function writeJsonFile(name: string, content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'beacon-budget-')), name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

export interface LlmCallSpec {
  service?: string;
  agent?: string;
  model?: string;
  input: number;
  output?: number;
  traceId?: string;
}

/** One agent run per call: an invoke_agent root (which must never count) with the chat span under it. */
export async function sendCalls(httpUrl: string, calls: LlmCallSpec[]): Promise<void> {
  for (const call of calls) {
    const root = newSpanId();
    const agent = call.agent ?? 'planner';
    const spans: SpanSpec[] = [
      {
        name: `invoke_agent ${agent}`,
        spanId: root,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': agent,
          // An agent span repeating its children's usage, as some instrumentations do.
          'gen_ai.usage.input_tokens': call.input,
        },
      },
      {
        name: `chat ${call.model ?? PRICED_MODEL}`,
        parent: root,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': call.model ?? PRICED_MODEL,
          'gen_ai.agent.name': agent,
          'gen_ai.usage.input_tokens': call.input,
          'gen_ai.usage.output_tokens': call.output ?? 0,
        },
      },
    ];
    await postTracesOk(httpUrl, traceRequest(call.service ?? 'shop', spans, call.traceId));
  }
}
