// Acceptance: the edits of a replay reach the provider (OpenAI and Anthropic, JSON and streamed), and the result is
// stored as a linked, priced trace with its prompt version. Registered by replay.test.ts, on its collector.
import type { Message } from '@beacon/semconv';
import { describe, expect, test } from 'vitest';
import type { ReplayResult } from '../../src/contract/index.js';
import { type MockUsage, mockUsage, type RecordedRequest } from '../fixtures/mock-llm.js';
import {
  ANTHROPIC_KEY,
  anthropicSpan,
  OPENAI_KEY,
  openaiSpan,
  type RunningReplayTest,
  replayHelpers,
  SERVICE,
  traceId,
  userText,
  WEATHER_TOOL,
} from './replay-fixture.js';

const EDITED_MESSAGES: Message[] = [
  userText('What is the weather in Madrid?'),
  {
    role: 'assistant',
    parts: [{ type: 'tool_call', id: 'call_madrid', name: 'get_weather', arguments: { city: 'Madrid' } }],
  },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_madrid', response: 'sunny, 31 C' }] },
];
const EDITED_TOOLS = [
  WEATHER_TOOL,
  { name: 'get_time', description: 'Local time of a city', parameters: { type: 'object', properties: {} } },
];

/** The provider saw the edits, in its own wire format, with the configured key. */
function expectEditsInWireFormat(
  provider: 'openai' | 'anthropic',
  model: string,
  stream: boolean,
  request: RecordedRequest,
  body: Record<string, unknown>,
): void {
  expect(body.model).toBe(model);
  expect(body.temperature).toBe(0.2);
  expect(body.stream ?? false).toBe(stream);
  if (provider === 'openai') {
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(body.max_completion_tokens).toBe(64);
    expect(body.tools).toEqual(EDITED_TOOLS.map((t) => ({ type: 'function', function: t })));
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: 'What is the weather in Madrid?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_madrid',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Madrid"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_madrid', content: 'sunny, 31 C' },
    ]);
  } else {
    expect(request.path).toBe('/v1/messages');
    expect(String(request.headers['x-api-key'] ?? request.headers.authorization)).toContain(ANTHROPIC_KEY);
    expect(body.max_tokens).toBe(64);
    expect(body.system).toBe('You are a weather bot.');
    expect(body.tools).toEqual(
      EDITED_TOOLS.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is the weather in Madrid?' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_madrid', name: 'get_weather', input: { city: 'Madrid' } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'call_madrid', content: 'sunny, 31 C' }],
      },
    ]);
  }
}

/** A new trace, service beacon-replay, one CLIENT span linked to the original, and its GenAI row. */
async function expectStoredAsLinkedTrace(
  running: RunningReplayTest,
  result: ReplayResult,
  edit: { provider: 'openai' | 'anthropic'; model: string; spanId: string; usage: MockUsage },
): Promise<void> {
  const { collector } = running;
  const db = () => collector.config.clickhouseDatabase;
  const { provider, model, spanId, usage } = edit;
  // A new trace, service beacon-replay, one CLIENT span linked to the original.
  const spans = await collector.query<{
    ServiceName: string;
    SpanName: string;
    SpanKind: string;
    StatusCode: string;
    linkTraceIds: string[];
    linkSpanIds: string[];
    linkAttributes: Record<string, string>[];
    attributes: Record<string, string>;
  }>(
    `SELECT ServiceName, SpanName, SpanKind, StatusCode, Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
        Links.Attributes AS linkAttributes, SpanAttributes AS attributes
     FROM \`${db()}\`.otel_traces WHERE TraceId = {id:String}`,
    { id: result.replay.traceId },
  );
  expect(spans).toHaveLength(1);
  const span = spans[0]!;
  expect(span).toMatchObject({
    ServiceName: 'beacon-replay',
    SpanName: `chat ${model}`,
    SpanKind: 'Client',
    StatusCode: 'Unset',
    linkTraceIds: [traceId],
    linkSpanIds: [spanId],
    linkAttributes: [{ 'beacon.link.type': 'replay_of' }],
  });
  expect(span.attributes).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'gen_ai.request.temperature': '0.2',
    'gen_ai.request.max_tokens': '64',
    'gen_ai.response.model': model,
    'gen_ai.usage.input_tokens': String(usage.promptTokens),
    'gen_ai.usage.output_tokens': String(usage.completionTokens),
    'beacon.replay.source_trace_id': traceId,
    'beacon.replay.source_span_id': spanId,
    'beacon.prompt.version_id': result.version.id,
  });
  expect(JSON.parse(span.attributes['gen_ai.input.messages']!)).toEqual(EDITED_MESSAGES);

  // Its GenAI row holds the tokens and the cost the answer reported.
  const [genai] = await collector.query<{ InputTokens: number; OutputTokens: number; CostUsd: number }>(
    `SELECT InputTokens, OutputTokens, CostUsd FROM \`${db()}\`.beacon_genai_spans WHERE TraceId = {id:String}`,
    { id: result.replay.traceId },
  );
  expect(genai).toEqual({
    InputTokens: usage.promptTokens,
    OutputTokens: usage.completionTokens,
    CostUsd: result.replay.costUsd,
  });
}

export function describeEditedReplays(running: RunningReplayTest): void {
  const { replay, replayStream, recorded } = replayHelpers(running);
  describe.each([
    { provider: 'openai' as const, spanId: openaiSpan, model: 'gpt-4o', source: 'gpt-4o-mini' },
    {
      provider: 'anthropic' as const,
      spanId: anthropicSpan,
      model: 'claude-3-5-sonnet-20241022',
      source: 'claude-3-5-haiku-20241022',
    },
  ])('$provider', ({ provider, spanId, model }) => {
    describe.each([false, true])('stream %s', (stream) => {
      test('the edits reach the provider and the replay is stored as a linked, priced trace', async () => {
        const label = `edit ${provider} ${stream}`;
        const { result, requests } = await recorded(() =>
          replay(
            {
              traceId,
              spanId,
              model,
              system: 'You are a weather bot.',
              messages: EDITED_MESSAGES,
              temperature: 0.2,
              maxTokens: 64,
              tools: EDITED_TOOLS,
              label,
            },
            stream,
          ),
        );

        // The provider saw the edits, in its own wire format, with the configured key.
        expect(requests).toHaveLength(1);
        const request = requests[0]!;
        const body = request.body as Record<string, unknown>;
        expectEditsInWireFormat(provider, model, stream, request, body);

        // The answer, its usage in OTel terms (input includes cache reads) and the pipeline's price.
        const usage = mockUsage(request.endpoint!, body);
        expect(result.replay.output).toBe('The tool answered: sunny, 31 C');
        expect(result.replay.model).toBe(model);
        expect(result.replay.provider).toBe(provider);
        expect(result.replay.usage).toMatchObject({
          inputTokens: usage.promptTokens,
          outputTokens: usage.completionTokens,
          cacheReadTokens: usage.cachedTokens,
        });
        expect(result.replay.costUsd).toBeGreaterThan(0);
        expect(result.original).toMatchObject({
          traceId,
          spanId,
          output: 'Mock answer to: What is the capital of France?',
          usage: { inputTokens: 20, outputTokens: 12 },
        });
        expect(result.replay.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(result.replay.traceId).not.toBe(traceId);

        await expectStoredAsLinkedTrace(running, result, { provider, model, spanId, usage });

        // The prompt version saved: the edit (no key, no endpoint), run by this replay.
        expect(result.version).toMatchObject({
          promptKey: `${SERVICE}/triage`,
          label,
          sourceTraceId: traceId,
          sourceSpanId: spanId,
          replayTraceId: result.replay.traceId,
          edit: {
            provider,
            model,
            system: 'You are a weather bot.',
            messages: EDITED_MESSAGES,
            temperature: 0.2,
            maxTokens: 64,
            tools: EDITED_TOOLS,
          },
        });
        expect(Object.keys(result.version.edit).sort()).toEqual(
          ['maxTokens', 'messages', 'model', 'provider', 'system', 'temperature', 'tools'].sort(),
        );
      });
    });

    test('streaming delivers several deltas before the result, which holds the whole text', async () => {
      const { status, events } = await replayStream({
        traceId,
        spanId,
        messages: [userText('Name three rivers of Spain, please.')],
        tools: [],
      });
      expect(status).toBe(200);
      const resultAt = events.findIndex((e) => e.event === 'result');
      const deltas = events.slice(0, resultAt).filter((e) => e.event === 'delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(resultAt).toBe(events.length - 1);
      const text = deltas.map((e) => (e.data as { text: string }).text).join('');
      expect(text).toBe('Mock answer to: Name three rivers of Spain, please.');
      expect((events[resultAt]!.data as ReplayResult).replay.output).toBe(text);
    });
  });
}
