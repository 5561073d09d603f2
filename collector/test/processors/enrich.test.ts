import { createPricer, normalizeGenAISpan } from '@beacon/semconv';
import { describe, expect, test } from 'vitest';
import type { DecodedSpan } from '../../src/model.js';
import { enrichSpans } from '../../src/processors/enrich.js';
import { makeSpan } from '../support/spans.js';

function span(
  spanId: string,
  parentSpanId: string,
  attributes: DecodedSpan['attributes'],
  name = 'span',
): DecodedSpan {
  return makeSpan({ traceId: 'a'.repeat(32), spanId, parentSpanId, attributes, name });
}

const enrich = (spans: DecodedSpan[]) =>
  enrichSpans(
    spans,
    spans.map((s) => normalizeGenAISpan({ name: s.name, kind: s.kind, attributes: s.attributes })),
    createPricer(),
  );

describe('enrichSpans', () => {
  const usage = { 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 };
  const agent = span('1'.repeat(16), '', {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'planner',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    ...usage,
  });
  const chat = span('2'.repeat(16), '1'.repeat(16), {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    ...usage,
  });
  const http = span('3'.repeat(16), '2'.repeat(16), { 'http.request.method': 'POST' }, 'POST');

  test('spans inherit the agent of their nearest ancestor in the batch', () => {
    const [a, c, h] = enrich([agent, chat, http]);
    expect([a!.agentName, c!.agentName, h!.agentName]).toEqual(['planner', 'planner', 'planner']);
    expect(h!.genai).toBeNull();
  });

  test('only model calls are priced, so an agent span repeating its children usage is not counted twice', () => {
    const [a, c] = enrich([agent, chat]);
    expect(c!.cost?.costUsd).toBeGreaterThan(0);
    expect(a!.genai?.usage.inputTokens).toBe(1000);
    expect(a!.cost).toBeNull();
  });

  test('a parent cycle sent by a broken client does not hang the collector', () => {
    const x = span('4'.repeat(16), '5'.repeat(16), {});
    const y = span('5'.repeat(16), '4'.repeat(16), {});
    expect(enrich([x, y]).map((s) => s.agentName)).toEqual([null, null]);
  });
});
