// Shared by the replay tests: the keys searched for at the end, the source trace and its span ids, and the calls
// to POST /replay against the running collector.
import type { Message } from '@beacon/semconv';
import { expect } from 'vitest';
import type { ReplayResult } from '../../src/contract/index.js';
import { type ApiTraceSpec, api, newSpanId, newTraceId } from '../api/helpers.js';
import type { TestCollector } from '../e2e/harness.js';
import type { MockLlm, RecordedRequest } from '../fixtures/mock-llm.js';

// Distinctive keys, searched for in every table and every log line at the end.
export const OPENAI_KEY = 'sk-beacon-test-openai-KEY-7f3a9c1d';
export const ANTHROPIC_KEY = 'sk-ant-beacon-test-KEY-51d2e8aa';
export const REQUEST_KEY = 'sk-request-only-KEY-c0ffee42';
export const KEYS = [OPENAI_KEY, ANTHROPIC_KEY, REQUEST_KEY];

export const SERVICE = 'support-bot';
export const traceId = newTraceId();
export const agentSpan = newSpanId();
export const openaiSpan = newSpanId();
export const anthropicSpan = newSpanId();
export const groqSpan = newSpanId();
export const toolSpan = newSpanId();
export const embeddingsSpan = newSpanId();

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

export const userText = (text: string): Message => ({
  role: 'user',
  parts: [{ type: 'text', content: text }],
});

/** The attributes of a source chat span: the defaults a replay starts from. */
function modelCall(provider: string, model: string, extra: Record<string, string | number> = {}) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'gen_ai.response.model': model,
    'gen_ai.request.temperature': 0.7,
    'gen_ai.request.max_tokens': 100,
    'gen_ai.usage.input_tokens': 20,
    'gen_ai.usage.output_tokens': 12,
    'gen_ai.system_instructions': JSON.stringify([
      { type: 'text', content: 'You answer geography questions.' },
    ]),
    'gen_ai.input.messages': JSON.stringify([userText('What is the capital of France?')]),
    'gen_ai.output.messages': JSON.stringify([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Mock answer to: What is the capital of France?' }],
        finish_reason: 'stop',
      },
    ]),
    ...extra,
  };
}

/** The source trace every replay starts from: an agent with three model calls, a tool call and an embedding. */
export function sourceTraces(): ApiTraceSpec[] {
  return [
    {
      traceId,
      service: SERVICE,
      spans: [
        {
          name: 'invoke_agent triage',
          spanId: agentSpan,
          durationMs: 900,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage' },
        },
        {
          name: 'chat gpt-4o-mini',
          spanId: openaiSpan,
          parent: agentSpan,
          kind: 3,
          startOffsetMs: 10,
          attributes: modelCall('openai', 'gpt-4o-mini', {
            'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', ...WEATHER_TOOL }]),
          }),
        },
        {
          name: 'chat claude-3-5-haiku-20241022',
          spanId: anthropicSpan,
          parent: agentSpan,
          kind: 3,
          startOffsetMs: 200,
          attributes: modelCall('anthropic', 'claude-3-5-haiku-20241022'),
        },
        {
          name: 'chat llama-3.1-8b-instant',
          spanId: groqSpan,
          parent: agentSpan,
          kind: 3,
          startOffsetMs: 400,
          attributes: modelCall('groq', 'llama-3.1-8b-instant'),
        },
        {
          name: 'execute_tool get_weather',
          spanId: toolSpan,
          parent: agentSpan,
          startOffsetMs: 500,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
        },
        {
          name: 'embeddings text-embedding-3-small',
          spanId: embeddingsSpan,
          parent: agentSpan,
          startOffsetMs: 600,
          attributes: {
            'gen_ai.operation.name': 'embeddings',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'text-embedding-3-small',
            'gen_ai.usage.input_tokens': 5,
          },
        },
      ],
    },
  ];
}

/** The mock provider and the collector of the test file, once its beforeAll started them. */
export interface RunningReplayTest {
  readonly collector: TestCollector;
  readonly mock: MockLlm;
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** The calls to POST /replay (JSON and streamed), and the provider requests they made. */
export function replayHelpers(running: RunningReplayTest) {
  /** POST /replay with stream: true, reading events as they arrive. */
  async function replayStream(
    body: Record<string, unknown>,
  ): Promise<{ status: number; events: SseEvent[] }> {
    const res = await fetch(`${running.collector.apiUrl}/api/v1/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const events: SseEvent[] = [];
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      buffer += decoder.decode(value, { stream: !done });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
        events.push({ event, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
      if (done) break;
    }
    return { status: res.status, events };
  }

  async function replay(body: Record<string, unknown>, stream = false): Promise<ReplayResult> {
    if (stream) {
      const { events } = await replayStream(body);
      const result = events.find((e) => e.event === 'result');
      if (!result) throw new Error(`no result event: ${JSON.stringify(events)}`);
      return result.data as ReplayResult;
    }
    const answer = await api<ReplayResult>(running.collector.apiUrl, '/api/v1/replay', {
      method: 'POST',
      json: body,
    });
    if (answer.status !== 200) throw new Error(`replay answered ${answer.status}: ${answer.text}`);
    return answer.body;
  }

  /** The provider requests made while `run` ran. */
  async function recorded<T>(run: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
    const first = running.mock.requests.length;
    const result = await run();
    return { result, requests: running.mock.requests.slice(first) };
  }

  const db = () => running.collector.config.clickhouseDatabase;

  return { replayStream, replay, recorded, db };
}
