// The enrich processor's failures and loop warnings: each span classified from its decoded form and GenAI facts;
// loops — a WARNING, never a failure (issue 17) — marked within one export batch, never across traces.
import { createPricer, normalizeGenAISpan } from '@beacon/semconv';
import { describe, expect, test } from 'vitest';
import type { DecodedSpan } from '../../src/model.js';
import { enrichSpans } from '../../src/processors/enrich.js';
import { makeSpan, T0 } from '../support/spans.js';

const enrich = (spans: DecodedSpan[]) =>
  enrichSpans(
    spans,
    spans.map((s) =>
      normalizeGenAISpan({
        name: s.name,
        kind: s.kind,
        attributes: s.attributes,
        events: s.events,
        statusCode: s.statusCode,
        statusMessage: s.statusMessage,
      }),
    ),
    createPricer(),
  );

const TRACE = 'a'.repeat(32);

function chat(
  spanId: string,
  startMs: number,
  content: string,
  overrides: Partial<DecodedSpan> = {},
): DecodedSpan {
  return makeSpan({
    traceId: TRACE,
    spanId,
    parentSpanId: 'f'.repeat(16),
    name: 'chat gpt-4o',
    startTimeUnixNano: T0 + BigInt(startMs) * 1_000_000n,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content }] }]),
    },
    ...overrides,
  });
}

describe('enrichSpans: failures', () => {
  test('an error span is classified from its exception event; a healthy span has no failure', () => {
    const [failed, healthy] = enrich([
      chat('1'.repeat(16), 0, 'a', {
        statusCode: 2,
        events: [
          {
            timeUnixNano: T0,
            name: 'exception',
            attributes: {
              'exception.type': 'anthropic.APITimeoutError',
              'exception.message': 'Request timed out.',
            },
          },
        ],
      }),
      chat('2'.repeat(16), 10, 'b'),
    ]);
    expect(failed!.failure).toEqual({
      category: 'timeout',
      signature: 'Request timed out.',
      message: 'Request timed out.',
    });
    expect(healthy!.failure).toBeNull();
  });

  // Loops used to be stored as failures (category `loop` on the 2nd and 3rd call). Issue 17 makes them a warning of
  // their own: no failure on any of the calls, every call of the loop marked with the loop's size.
  test('the same prompt sent 3 times to the same model under one parent: a loop warning, no failure', () => {
    const spans = enrich([
      chat('3'.repeat(16), 30, 'same'),
      chat('1'.repeat(16), 10, 'same'),
      chat('4'.repeat(16), 40, 'different'),
      chat('2'.repeat(16), 20, 'same'),
    ]);
    expect(spans.map((s) => [s.spanId[0], s.failure, s.loopRepeats])).toEqual([
      ['3', null, 3],
      ['1', null, 3],
      ['4', null, 0],
      ['2', null, 3],
    ]);
  });

  test('a repeat that failed keeps its own failure, and is in the loop too', () => {
    const spans = enrich([
      chat('1'.repeat(16), 10, 'same'),
      chat('2'.repeat(16), 20, 'same', { statusCode: 2, statusMessage: '429 Too Many Requests' }),
      chat('3'.repeat(16), 30, 'same'),
    ]);
    expect(spans.map((s) => [s.failure?.category ?? null, s.loopRepeats])).toEqual([
      [null, 3],
      ['rate_limit', 3],
      [null, 3],
    ]);
  });

  test('the same model called again and again with a different prompt each time is no loop', () => {
    const spans = enrich([0, 1, 2, 3, 4].map((i) => chat(String(i + 1).repeat(16), i * 10, `step ${i}`)));
    expect(spans.map((s) => s.loopRepeats)).toEqual([0, 0, 0, 0, 0]);
  });

  test('identical calls in different traces of one batch are no loop', () => {
    const spans = enrich([
      chat('1'.repeat(16), 10, 'same'),
      chat('2'.repeat(16), 20, 'same'),
      chat('3'.repeat(16), 30, 'same', { traceId: 'b'.repeat(32) }),
    ]);
    expect(spans.map((s) => [s.failure, s.loopRepeats])).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
  });

  test('calls whose input was not captured are never called identical', () => {
    const bare = (spanId: string, start: number) =>
      makeSpan({
        traceId: TRACE,
        spanId,
        parentSpanId: 'f'.repeat(16),
        name: 'execute_tool search',
        startTimeUnixNano: T0 + BigInt(start),
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
      });
    const spans = enrich([bare('1'.repeat(16), 1), bare('2'.repeat(16), 2), bare('3'.repeat(16), 3)]);
    expect(spans.map((s) => [s.failure, s.loopRepeats])).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
  });
});
