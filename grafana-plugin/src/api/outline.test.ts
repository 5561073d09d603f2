import type { TraceOutlineResponse } from '@beacon/collector/api-contract';
import { describe, expect, it } from 'vitest';
import { summary } from '../../test/fixtures';
import { detailOfOutline } from './outline';

const TRACE_ID = 'a'.repeat(32);

describe('a trace outline read back as SpanViews', () => {
  it('puts back what an outline leaves out, keeps what it carries', () => {
    const outline: TraceOutlineResponse = {
      trace: summary({ traceId: TRACE_ID }),
      truncated: null,
      outline: true,
      spans: [
        // the root: no parent, no GenAI facts, no status message
        {
          spanId: 'root',
          name: 'invoke_agent planner',
          kind: 'Internal',
          startTimeUnixNano: '1',
          durationMs: 9,
          statusCode: 'Ok',
        },
        {
          spanId: 'llm',
          parentSpanId: 'root',
          name: 'chat gpt-4o',
          kind: 'Client',
          startTimeUnixNano: '2',
          durationMs: 3,
          statusCode: 'Error',
          statusMessage: 'rate limited',
          genai: { operation: 'chat', requestModel: 'gpt-4o', usage: { inputTokens: 120 }, unpriced: true },
        },
      ],
    };
    const { spans } = detailOfOutline(outline);
    expect(spans[0]).toMatchObject({ traceId: TRACE_ID, parentSpanId: '', statusMessage: '', genai: null });
    expect(spans[0]!.attributes).toEqual({});
    expect(spans[0]!.events).toEqual([]);
    const llm = spans[1]!;
    expect(llm).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: 'root',
      statusCode: 'Error',
      statusMessage: 'rate limited',
    });
    expect(llm.genai).toMatchObject({
      operation: 'chat',
      requestModel: 'gpt-4o',
      responseModel: null,
      costUsd: null,
      unpriced: true,
      usageMissing: false,
      finishReasons: [],
      inputMessages: [],
      toolResult: null,
    });
    expect(llm.genai!.usage).toEqual({
      inputTokens: 120,
      outputTokens: null,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
    });
    expect('outline' in detailOfOutline(outline)).toBe(false);
  });
});
