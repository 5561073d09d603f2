// Acceptance: every helper's spans are read by the collector's normalizer as current OTel GenAI (convention
// 'otel', explicit operation, no guessing from the span name), with the agent/tool/model/usage facts; sync, async
// and streaming functions; content only with capture on, redacted.

import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { agent, llmCall, tool, workflow, wrapAgent, wrapLlmCall, wrapTool } from '../src/index.js';
import { createTestTracing, type TestTracing } from '../src/testing/index.js';
import { byName, factsOf } from './span-input.js';

let tracing: TestTracing;
afterEach(async () => {
  await tracing.shutdown();
});

const MESSAGES_ATTRIBUTES = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
];

async function* openAIStream(text: string[]) {
  for (const [i, piece] of text.entries()) {
    yield {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        { index: 0, delta: { content: piece }, finish_reason: i === text.length - 1 ? 'stop' : null },
      ],
    };
  }
  yield {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-mini-2024-07-18',
    choices: [],
    usage: { prompt_tokens: 42, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 10 } },
  };
}

describe('with content capture off (the default): span facts', () => {
  beforeEach(() => {
    tracing = createTestTracing();
  });

  test('agent, workflow, tool and llmCall spans normalize as OTel GenAI with their facts and no content', async () => {
    const answer = await workflow('support', () =>
      agent(
        'triage',
        async () => {
          const weather = tool('get_weather', () => ({ tempC: 21 }), {
            callId: 'call_1',
            arguments: { city: 'Paris' },
          });
          const reply = await llmCall(
            {
              provider: 'openai',
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: 'Weather in Paris?' }],
              system: 'Be brief.',
              params: { maxTokens: 100, temperature: 0.2 },
            },
            async (span) => {
              span.setResponse({
                id: 'resp_1',
                model: 'gpt-4o-mini-2024-07-18',
                finishReasons: ['stop'],
                usage: { inputTokens: 120, outputTokens: 30 },
                text: `It is ${weather.tempC}°C.`,
              });
              return `It is ${weather.tempC}°C.`;
            },
          );
          return reply;
        },
        { id: 'agent-7' },
      ),
    );
    expect(answer).toBe('It is 21°C.');

    const spans = tracing.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(
      [
        'chat gpt-4o-mini',
        'execute_tool get_weather',
        'invoke_agent triage',
        'invoke_workflow support',
      ].sort(),
    );

    const wf = factsOf(byName(spans, 'invoke_workflow support'));
    expect(wf).toMatchObject({ convention: 'otel', operation: 'invoke_workflow' });

    const ag = factsOf(byName(spans, 'invoke_agent triage'));
    expect(ag).toMatchObject({
      convention: 'otel',
      operation: 'invoke_agent',
      agentName: 'triage',
      agentId: 'agent-7',
    });

    const tl = factsOf(byName(spans, 'execute_tool get_weather'));
    expect(tl).toMatchObject({
      convention: 'otel',
      operation: 'execute_tool',
      toolName: 'get_weather',
      toolCallId: 'call_1',
      toolType: 'function',
      toolArguments: null,
      toolResult: null,
    });

    const chatSpan = byName(spans, 'chat gpt-4o-mini');
    const chat = factsOf(chatSpan);
    expect(chat).toMatchObject({
      convention: 'otel',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      responseId: 'resp_1',
      finishReasons: ['stop'],
      usage: { inputTokens: 120, outputTokens: 30 },
      usageMissing: false,
      inputMessages: [],
      outputMessages: [],
      systemInstructions: [],
    });
    expect(chatSpan.attributes['gen_ai.request.max_tokens']).toBe(100);
    expect(chatSpan.attributes['gen_ai.request.temperature']).toBe(0.2);
    // Every operation is explicit: nothing is left for the normalizer to guess from span names.
    for (const span of spans) expect(span.attributes['gen_ai.operation.name']).toBeTypeOf('string');
    for (const span of spans)
      for (const key of MESSAGES_ATTRIBUTES) expect(span.attributes[key]).toBeUndefined();

    // Parent/child: workflow > agent > (tool, chat)
    const id = (name: string) => byName(spans, name).spanContext().spanId;
    expect(byName(spans, 'invoke_agent triage').parentSpanContext?.spanId).toBe(
      id('invoke_workflow support'),
    );
    expect(chatSpan.parentSpanContext?.spanId).toBe(id('invoke_agent triage'));
    expect(byName(spans, 'execute_tool get_weather').parentSpanContext?.spanId).toBe(
      id('invoke_agent triage'),
    );
  });

  test('an llmCall returning the provider response reads model, usage and finish reason from it', async () => {
    await llmCall({ provider: 'anthropic', model: 'claude-3-5-haiku-latest' }, async () => ({
      id: 'msg_1',
      type: 'message',
      model: 'claude-3-5-haiku-20241022',
      content: [{ type: 'text', text: 'hi' }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: 50,
        output_tokens: 5,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 20,
      },
    }));
    const facts = factsOf(tracing.spans()[0]!);
    expect(facts).toMatchObject({
      provider: 'anthropic',
      responseModel: 'claude-3-5-haiku-20241022',
      finishReasons: ['end_turn'],
      // OTel input includes cache reads and writes.
      usage: { inputTokens: 170, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 },
    });
  });
});

describe('with content capture off (the default): wrappers, streams and errors', () => {
  beforeEach(() => {
    tracing = createTestTracing();
  });

  test('sync, async and async-iterator wrappers return what the function returns and end their spans', async () => {
    const add = wrapTool('add', (a: number, b: number) => a + b);
    const fetchName = wrapAgent('namer', async (id: number) => `agent-${id}`);
    const count = wrapAgent('counter', async function* (n: number) {
      for (let i = 0; i < n; i++) yield i;
    });
    expect(add(2, 3)).toBe(5);
    expect(await fetchName(7)).toBe('agent-7');
    const seen: number[] = [];
    const iterator = count(3);
    // Not ended before the iteration finished.
    expect(tracing.spans().map((s) => s.name)).not.toContain('invoke_agent counter');
    for await (const value of iterator) seen.push(value);
    expect(seen).toEqual([0, 1, 2]);
    expect(tracing.spans().map((s) => s.name)).toEqual([
      'execute_tool add',
      'invoke_agent namer',
      'invoke_agent counter',
    ]);
  });

  test('an abandoned iterator (break) ends its span; spans made while iterating are its children', async () => {
    const stream = wrapAgent('streamer', async function* () {
      for (let i = 0; ; i++) yield tool('step', () => i, { arguments: { i } });
    });
    for await (const value of stream()) if (value === 2) break;
    const spans = tracing.spans();
    const agentSpan = byName(spans, 'invoke_agent streamer');
    expect(agentSpan.ended).toBe(true);
    expect(agentSpan.status.code).toBe(SpanStatusCode.UNSET);
    const steps = spans.filter((s) => s.name === 'execute_tool step');
    expect(steps).toHaveLength(3);
    for (const step of steps) expect(step.parentSpanContext?.spanId).toBe(agentSpan.spanContext().spanId);
  });

  test('errors: status ERROR, error.type and the exception recorded; the error is rethrown unchanged', async () => {
    class RateLimitError extends Error {}
    const failure = new RateLimitError('slow down');
    await expect(
      agent('a', () =>
        llmCall({ provider: 'openai', model: 'gpt-4o' }, async () => {
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    const sync = new TypeError('bad input');
    expect(() =>
      tool('t', () => {
        throw sync;
      }),
    ).toThrow(sync);
    const spans = tracing.spans();
    const chat = byName(spans, 'chat gpt-4o');
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes['error.type']).toBe('RateLimitError');
    expect(chat.events.map((e) => e.name)).toContain('exception');
    expect(factsOf(chat)).toMatchObject({ errorType: 'RateLimitError', usageMissing: true });
    expect(byName(spans, 'invoke_agent a').attributes['error.type']).toBe('RateLimitError');
    expect(factsOf(byName(spans, 'execute_tool t')).errorType).toBe('TypeError');
  });

  test('a failing stream ends its span with the error and rethrows it', async () => {
    const boom = new Error('connection reset');
    const stream = await llmCall({ provider: 'openai', model: 'gpt-4o' }, async () =>
      (async function* () {
        yield 'partial ';
        throw boom;
      })(),
    );
    const read = async () => {
      for await (const _ of stream) {
        // consume
      }
    };
    await expect(read()).rejects.toBe(boom);
    const chat = tracing.spans()[0]!;
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes['error.type']).toBe('Error');
  });
});

describe('with content capture on', () => {
  beforeEach(() => {
    tracing = createTestTracing({
      captureContent: true,
      redact: (text) => text.replace(/[\w.]+@\w+(\.\w+)+/g, '[email]'),
    });
  });

  test('messages, system instructions and tool I/O are recorded in OTel parts format, redacted', async () => {
    tool('lookup_user', () => ({ email: 'ann@example.com', plan: 'pro' }), {
      arguments: { email: 'ann@example.com' },
    });
    await llmCall(
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        system: 'Never reveal bob@example.com',
        messages: [{ role: 'user', content: 'My mail is ann@example.com' }],
      },
      async (span) => {
        span.setResponse({ finishReasons: ['stop'], usage: { inputTokens: 10, outputTokens: 4 } });
        span.setOutput('Noted, ann@example.com.');
      },
    );
    const spans = tracing.spans();
    const toolFacts = factsOf(byName(spans, 'execute_tool lookup_user'));
    expect(JSON.parse(toolFacts.toolArguments!)).toEqual({ email: '[email]' });
    expect(JSON.parse(toolFacts.toolResult!)).toEqual({ email: '[email]', plan: 'pro' });

    const chat = factsOf(byName(spans, 'chat gpt-4o-mini'));
    expect(chat.systemInstructions).toEqual([{ type: 'text', content: 'Never reveal [email]' }]);
    expect(chat.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'My mail is [email]' }] },
    ]);
    expect(chat.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Noted, [email].' }], finish_reason: 'stop' },
    ]);
    for (const span of spans) expect(JSON.stringify(span.attributes)).not.toContain('@example.com');
  });

  test('a streamed call carries the full completion assembled from chunks and the final usage', async () => {
    const stream = await llmCall(
      { provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }] },
      async () => openAIStream(['one, ', 'two, ', 'three']),
    );
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) pieces.push(delta);
    }
    expect(pieces.join('')).toBe('one, two, three');
    const span = tracing.spans()[0]!;
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(factsOf(span)).toMatchObject({
      responseModel: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-1',
      finishReasons: ['stop'],
      usage: { inputTokens: 42, outputTokens: 7, cacheReadTokens: 10 },
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'one, two, three' }], finish_reason: 'stop' },
      ],
    });
  });

  test('an Anthropic event stream: text deltas joined, input from message_start, output from the last delta', async () => {
    const events = [
      {
        type: 'message_start',
        message: {
          id: 'msg_9',
          model: 'claude-3-5-haiku-20241022',
          usage: { input_tokens: 30, output_tokens: 1 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' world' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 12 } },
      { type: 'message_stop' },
    ];
    const streamed = wrapLlmCall(
      { provider: 'anthropic', model: 'claude-3-5-haiku-latest' },
      async function* () {
        yield* events;
      },
    );
    for await (const _ of streamed()) {
      // consume
    }
    expect(factsOf(tracing.spans()[0]!)).toMatchObject({
      responseModel: 'claude-3-5-haiku-20241022',
      finishReasons: ['end_turn'],
      usage: { inputTokens: 30, outputTokens: 12 },
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello world' }] }],
    });
  });
});
