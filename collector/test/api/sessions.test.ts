// GET /sessions and /sessions/{id}: a three-turn conversation (every model call resends the history; one turn
// carries the conversation id on its model calls only, one turn's tool fails), an OpenInference session in another
// service, and a trace without a conversation — grouped, counted, priced and transcribed as sent.

import type { Message } from '@beacon/semconv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionDetailResponse, SessionListResponse, SessionSummary } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { api, expectBadRequest, getOk, INJECTIONS, newSpanId, newTraceId, sendTraces } from './helpers.js';
import { buildConversation, PRICED_MODEL, writeSessionPriceFile } from './sessions-fixtures.js';

let collector: TestCollector;
const run = newSpanId();
const TRIP = `trip-${run}`;
const SUPPORT = `support-${run}`;
const start = Date.now() - 120_000;
const window = () => `from=${start - 60_000}&to=${Date.now() + 60_000}`;

const trip = buildConversation({
  sessionId: TRIP,
  service: 'travel',
  agent: 'concierge',
  startMs: start,
  gapMs: 20_000,
  turns: [
    {
      user: 'Find me a flight to Lisbon on Friday.',
      answer: 'TAP flies at 09:00 for 120 EUR.',
      calls: [{ input: 100, output: 20 }],
    },
    {
      user: 'Book it, and what will the weather be?',
      answer: 'Booked. Sunny and 24°C on Friday.',
      calls: [
        { input: 200, output: 30 },
        { input: 260, output: 40 },
      ],
      idOnModelCalls: true,
    },
    {
      user: 'Thanks! A hotel near the river too?',
      answer: 'I could not reach the hotel service.',
      calls: [
        { input: 300, output: 10 },
        { input: 340, output: 15 },
      ],
      toolError: 'hotel service unavailable',
    },
  ],
});

/** An OpenInference LLM span in another service, its session in `session.id`. */
const supportTrace = newTraceId();

const texts = (messages: Message[]) =>
  messages.map((m) => m.parts.map((p) => ('content' in p ? String(p.content) : '')).join(''));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  collector = await startTestCollector({ priceOverridesFile: writeSessionPriceFile() });
  await sendTraces(collector.httpUrl, [
    ...trip.traces,
    {
      traceId: supportTrace,
      service: 'support-bot',
      startMs: start + 5_000,
      spans: [
        {
          name: 'ChatCompletion',
          durationMs: 700,
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': PRICED_MODEL,
            'llm.provider': 'acme',
            'llm.token_count.prompt': 1000,
            'llm.token_count.completion': 500,
            'session.id': SUPPORT,
            'llm.input_messages.0.message.role': 'user',
            'llm.input_messages.0.message.content': 'My invoice is wrong',
          },
        },
      ],
    },
    {
      service: 'travel',
      startMs: start + 1_000,
      spans: [{ name: 'invoke_agent loner', attributes: { 'gen_ai.operation.name': 'invoke_agent' } }],
    },
  ]);
  await collector.writer.flush();
}, 60_000);

afterAll(async () => {
  await collector?.dispose();
});

describe('GET /api/v1/sessions', () => {
  test('groups traces by conversation id, latest activity first, with turns, calls, tokens, cost and errors', async () => {
    const { sessions, nextCursor } = await getOk<SessionListResponse>(
      collector.apiUrl,
      `/api/v1/sessions?${window()}`,
    );
    expect(nextCursor).toBeNull();
    expect(sessions.map((s) => s.sessionId)).toEqual([TRIP, SUPPORT]);
    const [tripSession, support] = sessions as [SessionSummary, SessionSummary];
    expect(tripSession).toMatchObject({
      turns: 3,
      llmCallCount: 5,
      inputTokens: 100 + 200 + 260 + 300 + 340,
      outputTokens: 20 + 30 + 40 + 10 + 15,
      errorCount: 1,
      agents: ['concierge'],
      services: ['travel'],
    });
    expect(tripSession.costUsd).toBeCloseTo(sum(trip.turns.map((t) => t.costUsd)), 9);
    expect(tripSession.costUsd).toBeCloseTo(1.2 + 0.23, 9);
    // First turn's start to the end of the last turn's agent span (3 s).
    expect(BigInt(tripSession.firstTimeUnixNano)).toBe(BigInt(start) * 1_000_000n);
    expect(BigInt(tripSession.lastTimeUnixNano)).toBe(BigInt(start + 40_000 + 3_000) * 1_000_000n);

    expect(support).toMatchObject({
      turns: 1,
      llmCallCount: 1,
      inputTokens: 1000,
      outputTokens: 500,
      errorCount: 0,
      services: ['support-bot'],
    });
    expect(support.costUsd).toBeCloseTo(2, 9);
  });

  test('filters by service and agent, and pages with a cursor', async () => {
    const bySupport = await getOk<SessionListResponse>(
      collector.apiUrl,
      `/api/v1/sessions?${window()}&service=support-bot`,
    );
    expect(bySupport.sessions.map((s) => s.sessionId)).toEqual([SUPPORT]);
    const byAgent = await getOk<SessionListResponse>(
      collector.apiUrl,
      `/api/v1/sessions?${window()}&agent=concierge`,
    );
    expect(byAgent.sessions.map((s) => s.sessionId)).toEqual([TRIP]);

    const first = await getOk<SessionListResponse>(collector.apiUrl, `/api/v1/sessions?${window()}&limit=1`);
    expect(first.sessions.map((s) => s.sessionId)).toEqual([TRIP]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await getOk<SessionListResponse>(
      collector.apiUrl,
      `/api/v1/sessions?${window()}&limit=1&cursor=${first.nextCursor}`,
    );
    expect(second.sessions.map((s) => s.sessionId)).toEqual([SUPPORT]);
    expect(second.nextCursor).toBeNull();
  });

  test('a range that ends before the conversation started shows no session; only the turns in range count', async () => {
    const before = await getOk<SessionListResponse>(
      collector.apiUrl,
      `/api/v1/sessions?from=${start - 60_000}&to=${start - 1}`,
    );
    expect(before.sessions).toEqual([]);
    const firstTwo = await getOk<SessionListResponse>(
      collector.apiUrl,
      `/api/v1/sessions?from=${start - 60_000}&to=${start + 30_000}&service=travel`,
    );
    expect(firstTwo.sessions).toHaveLength(1);
    expect(firstTwo.sessions[0]).toMatchObject({ sessionId: TRIP, turns: 2, llmCallCount: 3 });
  });

  test('bad parameters get a 400 naming them', async () => {
    expectBadRequest(await api(collector.apiUrl, '/api/v1/sessions?limit=0'), 'limit');
    expectBadRequest(await api(collector.apiUrl, '/api/v1/sessions?cursor=nope!'), 'cursor');
    expectBadRequest(await api(collector.apiUrl, '/api/v1/sessions?from=yesterday'), 'from');
    expectBadRequest(await api(collector.apiUrl, `/api/v1/sessions?from=${Date.now()}&to=${start}`), 'from');
  });
});

describe('GET /api/v1/sessions/{sessionId}', () => {
  test('the turns in order: each new user message once, the answer, model, tokens, cost and status', async () => {
    const detail = await getOk<SessionDetailResponse>(
      collector.apiUrl,
      `/api/v1/sessions/${encodeURIComponent(TRIP)}`,
    );
    expect(detail.truncated).toBe(false);
    expect(detail.session).toMatchObject({ sessionId: TRIP, turns: 3, llmCallCount: 5, errorCount: 1 });
    expect(detail.session.costUsd).toBeCloseTo(1.43, 9);
    expect(detail.turns.map((t) => t.traceId)).toEqual(trip.traceIds);
    expect(detail.turns.map((t) => texts(t.input))).toEqual([
      ['Find me a flight to Lisbon on Friday.'],
      ['Book it, and what will the weather be?'],
      ['Thanks! A hotel near the river too?'],
    ]);
    expect(detail.turns.map((t) => texts(t.output))).toEqual([
      ['TAP flies at 09:00 for 120 EUR.'],
      ['Booked. Sunny and 24°C on Friday.'],
      ['I could not reach the hotel service.'],
    ]);
    expect(detail.turns.map((t) => t.status)).toEqual(['ok', 'ok', 'error']);
    expect(detail.turns.map((t) => t.models)).toEqual([[PRICED_MODEL], [PRICED_MODEL], [PRICED_MODEL]]);
    expect(detail.turns.map((t) => [t.llmCallCount, t.inputTokens, t.outputTokens])).toEqual(
      trip.turns.map((t) => [t.calls, t.inputTokens, t.outputTokens]),
    );
    for (const [i, turn] of detail.turns.entries()) {
      expect(turn.costUsd).toBeCloseTo(trip.turns[i]!.costUsd, 9);
      expect(turn.rootAgent).toBe('concierge');
    }
  });

  test('from/to keep only the turns in range; an unknown session is a 404, odd ids are inert', async () => {
    const last = await getOk<SessionDetailResponse>(
      collector.apiUrl,
      `/api/v1/sessions/${encodeURIComponent(TRIP)}?from=${start + 30_000}`,
    );
    expect(last.turns.map((t) => t.traceId)).toEqual([trip.traceIds[2]]);
    // The history that turn resent is not shown again: only what the user said since the last answer.
    expect(texts(last.turns[0]!.input)).toEqual(['Thanks! A hotel near the river too?']);

    const missing = await api(collector.apiUrl, `/api/v1/sessions/no-such-${run}`);
    expect(missing.status).toBe(404);
    for (const injection of INJECTIONS) {
      const answer = await api(collector.apiUrl, `/api/v1/sessions/${encodeURIComponent(injection)}`);
      expect(answer.status, injection).toBe(404);
    }
    expectBadRequest(
      await api(collector.apiUrl, `/api/v1/sessions/${TRIP}?from=${Date.now()}&to=${start}`),
      'from',
    );
  });
});
