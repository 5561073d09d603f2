import { describe, expect, test } from 'vitest';
import {
  type CallSpan,
  callFingerprint,
  classifyFailure,
  type FailureCategory,
  type FailureInput,
  failureSignature,
  findRepeatedCalls,
} from '../src/failures.js';
import type { Attributes } from '../src/model.js';

/** An ERROR span with the given status message and extras. */
function errorSpan(overrides: Partial<FailureInput> = {}): FailureInput {
  return {
    spanName: 'chat gpt-4o',
    isError: true,
    statusMessage: '',
    attributes: {},
    events: [],
    errorType: null,
    operation: 'chat',
    ...overrides,
  };
}

const exception = (type: string, message: string): { name: string; attributes: Attributes } => ({
  name: 'exception',
  attributes: { 'exception.type': type, 'exception.message': message },
});

describe('classifyFailure: real provider errors', () => {
  // [what, the span as the SDK's instrumentation records it, expected category]
  const cases: [string, Partial<FailureInput>, FailureCategory][] = [
    [
      'OpenAI Python 429 (RateLimitError)',
      {
        events: [
          exception(
            'openai.RateLimitError',
            "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization org-abc123 on tokens per min (TPM): Limit 30000, Used 29000, Requested 1500. Please try again in 1s.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}",
          ),
        ],
      },
      'rate_limit',
    ],
    [
      'OpenAI insufficient_quota',
      {
        statusMessage:
          '429 You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      },
      'rate_limit',
    ],
    [
      'Anthropic TypeScript 429 rate_limit_error',
      {
        statusMessage:
          '429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 40,000 input tokens per minute."}}',
      },
      'rate_limit',
    ],
    [
      'Bedrock ThrottlingException',
      {
        errorType: 'ThrottlingException',
        statusMessage: 'Too many requests, please wait before trying again.',
      },
      'rate_limit',
    ],
    [
      'Gemini RESOURCE_EXHAUSTED',
      {
        statusMessage: 'Resource has been exhausted (e.g. check quota).',
        attributes: { 'rpc.grpc.status_code': 8 },
      },
      'rate_limit',
    ],
    [
      'only an HTTP 429 status attribute',
      { statusMessage: 'request failed', attributes: { 'http.response.status_code': 429 } },
      'rate_limit',
    ],
    [
      'deprecated http.status_code as a string (OTLP JSON, or read back from storage)',
      { attributes: { 'http.status_code': '429' } },
      'rate_limit',
    ],
    [
      'OpenAI context_length_exceeded',
      {
        events: [
          exception(
            'BadRequestError',
            "Error code: 400 - {'error': {'message': \"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.\", 'type': 'invalid_request_error', 'param': 'messages', 'code': 'context_length_exceeded'}}",
          ),
        ],
      },
      'context_overflow',
    ],
    [
      'Anthropic prompt is too long',
      {
        statusMessage:
          '400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"}}',
      },
      'context_overflow',
    ],
    [
      'Bedrock input is too long',
      { errorType: 'ValidationException', statusMessage: 'Input is too long for requested model.' },
      'context_overflow',
    ],
    ['LiteLLM ContextWindowExceededError', { errorType: 'ContextWindowExceededError' }, 'context_overflow'],
    [
      'Gemini token count',
      {
        statusMessage:
          'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      },
      'context_overflow',
    ],
    [
      'OpenAI invalid API key (401)',
      {
        events: [
          exception(
            'openai.AuthenticationError',
            "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}",
          ),
        ],
      },
      'auth',
    ],
    [
      'Anthropic authentication_error',
      {
        statusMessage:
          '401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
      },
      'auth',
    ],
    ['Anthropic PermissionDeniedError', { errorType: 'PermissionDeniedError' }, 'auth'],
    [
      'Bedrock AccessDeniedException',
      {
        errorType: 'AccessDeniedException',
        statusMessage: "You don't have access to the model with the specified model ID.",
      },
      'auth',
    ],
    ['only HTTP 403', { attributes: { 'http.response.status_code': 403 } }, 'auth'],
    [
      'OpenAI APITimeoutError',
      { events: [exception('openai.APITimeoutError', 'Request timed out.')] },
      'timeout',
    ],
    [
      'httpx ReadTimeout',
      { events: [exception('httpx.ReadTimeout', 'The read operation timed out')] },
      'timeout',
    ],
    [
      'fetch AbortSignal.timeout',
      { events: [exception('TimeoutError', 'The operation was aborted due to timeout')] },
      'timeout',
    ],
    ['Node ETIMEDOUT', { statusMessage: 'connect ETIMEDOUT 104.18.7.192:443' }, 'timeout'],
    ['gRPC DEADLINE_EXCEEDED', { statusMessage: '4 DEADLINE_EXCEEDED: Deadline exceeded' }, 'timeout'],
    ['gateway timeout', { attributes: { 'http.response.status_code': 504 } }, 'timeout'],
    [
      'a tool that threw',
      {
        spanName: 'execute_tool get_weather',
        operation: 'execute_tool',
        events: [exception('ValueError', 'city not found: Atlantis')],
      },
      'tool_failure',
    ],
    [
      'a tool span of a non-GenAI instrumentation (gen_ai.tool.name only)',
      {
        spanName: 'lookup',
        operation: null,
        attributes: { 'gen_ai.tool.name': 'lookup' },
        statusMessage: 'boom',
      },
      'tool_failure',
    ],
    [
      'a tool that timed out is a timeout, not a tool failure',
      {
        spanName: 'execute_tool fetch_page',
        operation: 'execute_tool',
        events: [exception('TimeoutError', 'fetch_page timed out after 30s')],
      },
      'timeout',
    ],
    [
      'Anthropic overloaded (529) is none of the named categories',
      {
        statusMessage: '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      },
      'other',
    ],
    ['a bare ERROR status', { statusMessage: '' }, 'other'],
  ];

  test.each(cases)('%s', (_what, overrides, category) => {
    expect(classifyFailure(errorSpan(overrides))?.category).toBe(category);
  });

  test('categories are checked in order: a 429 whose message mentions tokens is a rate limit', () => {
    const failure = classifyFailure(
      errorSpan({
        statusMessage:
          'Rate limit exceeded: too many tokens per minute, please reduce the length of your prompts',
      }),
    );
    expect(failure?.category).toBe('rate_limit');
  });
});

describe('classifyFailure: which spans fail, and the message', () => {
  test('healthy spans have no failure', () => {
    expect(classifyFailure(errorSpan({ isError: false, statusMessage: 'rate limit' }))).toBeNull();
    expect(
      classifyFailure(errorSpan({ isError: false, attributes: { 'http.response.status_code': 429 } })),
    ).toBeNull();
  });

  test('a non-error span with error.type set fails (a handled error)', () => {
    const failure = classifyFailure(
      errorSpan({ isError: false, attributes: { 'error.type': 'RateLimitError' } }),
    );
    expect(failure).toEqual({
      category: 'rate_limit',
      signature: 'RateLimitError',
      message: 'RateLimitError',
    });
    // The normalized GenAIFacts.errorType counts too.
    expect(classifyFailure(errorSpan({ isError: false, errorType: 'timeout' }))?.category).toBe('timeout');
  });

  test('message: the last exception message, else the status message, else the error type, else the span name', () => {
    const retried = errorSpan({
      statusMessage: 'status text',
      events: [
        exception('TimeoutError', 'first attempt timed out'),
        exception('RateLimitError', 'then rate limited'),
      ],
    });
    expect(classifyFailure(retried)?.message).toBe('then rate limited');
    expect(classifyFailure(errorSpan({ statusMessage: 'status text', errorType: 'E' }))?.message).toBe(
      'status text',
    );
    expect(classifyFailure(errorSpan({ errorType: 'APIConnectionError' }))?.message).toBe(
      'APIConnectionError',
    );
    // OTel's `_OTHER` fallback says nothing: the span name does better.
    expect(classifyFailure(errorSpan({ errorType: '_OTHER' }))?.message).toBe('chat gpt-4o failed');
  });

  test('a huge message (a stack trace) is cut; the signature stays within 200 characters', () => {
    const failure = classifyFailure(
      errorSpan({ statusMessage: `Error: boom\n${'    at frame (file.js:1:2)\n'.repeat(500)}` }),
    );
    expect(failure!.message.length).toBeLessThanOrEqual(2001);
    expect(failure!.message.endsWith('…')).toBe(true);
    expect(failure!.signature.length).toBeLessThanOrEqual(200);
  });
});

describe('failureSignature', () => {
  test('the same error from different requests gets one signature', () => {
    const a = 'Rate limit reached for gpt-4o in org org-abc123 on tokens per min: Limit 30000, Used 29000';
    const b = 'Rate limit reached for gpt-4o in org org-abc123 on tokens per min: Limit 30000, Used 29512';
    expect(failureSignature(a)).toBe(failureSignature(b));
    expect(failureSignature(a)).toBe(
      'Rate limit reached for gpt-4o in org org-<id> on tokens per min: Limit <n>, Used <n>',
    );
  });

  test.each([
    [
      'OpenAI retry hint and URL',
      'Please try again in 1.5s. Visit https://platform.openai.com/account/rate-limits to learn more.',
      'Please try again in <n>. Visit <url> to learn more.',
    ],
    ['minutes and seconds', 'Please try again in 1m30s.', 'Please try again in <n>.'],
    ['milliseconds', 'Please try again in 120ms', 'Please try again in <n>'],
    ['thousands separators', 'exceed 40,000 input tokens per minute', 'exceed <n> input tokens per minute'],
    ['an IP and port', 'connect ETIMEDOUT 104.18.7.192:443', 'connect ETIMEDOUT <n>'],
    ['UUIDs', 'request 3f2b8c1e-9d4a-4e7b-8c2d-1a2b3c4d5e6f failed', 'request <id> failed'],
    ['hex ids', 'trace 4bf92f3577b34da6a3ce929d0e0e4736 lost', 'trace <id> lost'],
    ['Anthropic request ids', 'request_id: req_011CPpvnXh7N3gCSNz8rAqyf', 'request_id: req_<id>'],
    ['emails', 'no seat for jane.doe@example.com', 'no seat for <email>'],
    ['short quoted values', 'Tool \'search\' failed with "bad input"', 'Tool <str> failed with <str>'],
    [
      'backticks (Groq)',
      'Rate limit reached for model `llama3-70b-8192`',
      'Rate limit reached for model <str>',
    ],
    ['apostrophes are not quotes', "You didn't provide an API key.", "You didn't provide an API key."],
    [
      'quoted prose is kept, normalized inside',
      `{"message":"Rate limit reached for org-abc123: Used 29000"}`,
      `{<str>:"Rate limit reached for org-<id>: Used <n>"}`,
    ],
    ['whitespace collapsed', '  timed   out\n\tafter  <n>  ', 'timed out after <n>'],
    ['model names survive', 'model gpt-4o-mini not found', 'model gpt-4o-mini not found'],
  ])('%s', (_what, message, signature) => {
    expect(failureSignature(message)).toBe(signature);
  });

  test('case is kept', () => {
    expect(failureSignature('RateLimitError')).toBe('RateLimitError');
  });

  test('capped at 200 characters', () => {
    expect(failureSignature('word '.repeat(100))).toHaveLength(199);
    expect(failureSignature('x'.repeat(1000))).toHaveLength(200);
  });

  test('linear on hostile input (no catastrophic backtracking)', () => {
    const started = performance.now();
    failureSignature(`${'1'.repeat(5000)}x ${"'".repeat(3000)} ${'a1'.repeat(3000)}!`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('callFingerprint', () => {
  const facts = {
    operation: 'execute_tool',
    toolName: 'search',
    toolArguments: '{"q":"weather"}',
    requestModel: null,
    responseModel: null,
    systemInstructions: [],
    inputMessages: [],
  };

  test('tool: name + arguments; unknown arguments → null (never called identical)', () => {
    expect(callFingerprint(facts)).toBe('tool:search:{"q":"weather"}');
    expect(callFingerprint({ ...facts, toolArguments: null })).toBeNull();
  });

  test('model call: model + instructions + input messages; without captured input → null', () => {
    const chat = {
      ...facts,
      operation: 'chat',
      requestModel: 'gpt-4o',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
    };
    const fingerprint = callFingerprint(chat);
    expect(fingerprint).toContain('gpt-4o');
    expect(callFingerprint({ ...chat, requestModel: 'gpt-4o-mini' })).not.toBe(fingerprint);
    expect(callFingerprint({ ...chat, inputMessages: [] })).toBeNull();
  });

  test('other operations and non-GenAI spans → null', () => {
    expect(callFingerprint({ ...facts, operation: 'invoke_agent' })).toBeNull();
    expect(callFingerprint(null)).toBeNull();
  });
});

describe('findRepeatedCalls', () => {
  const call = (spanId: string, start: number, overrides: Partial<CallSpan> = {}): CallSpan => ({
    spanId,
    parentSpanId: 'p',
    name: 'execute_tool search',
    fingerprint: 'tool:search:{"q":"x"}',
    startTimeUnixNano: BigInt(start),
    ...overrides,
  });

  test('three identical calls under one parent are a loop, listed in start order (bigint or decimal text)', () => {
    const loops = findRepeatedCalls([
      call('c', 30),
      call('a', 10),
      call('b', 0, { startTimeUnixNano: '20' }),
    ]);
    expect(loops).toEqual([{ spanIds: ['a', 'b', 'c'], fingerprint: 'tool:search:{"q":"x"}' }]);
  });

  test('two are not (default minRepeats 3), unless asked', () => {
    expect(findRepeatedCalls([call('a', 1), call('b', 2)])).toEqual([]);
    expect(findRepeatedCalls([call('a', 1), call('b', 2)], 2)).toHaveLength(1);
  });

  test('different parent, name or fingerprint, or no fingerprint: not the same call', () => {
    const spans = [
      call('a', 1),
      call('b', 2, { parentSpanId: 'other' }),
      call('c', 3, { name: 'execute_tool fetch' }),
      call('d', 4, { fingerprint: 'tool:search:{"q":"y"}' }),
      call('e', 5, { fingerprint: null }),
      call('f', 6, { fingerprint: null }),
      call('g', 7, { fingerprint: null }),
    ];
    expect(findRepeatedCalls(spans)).toEqual([]);
  });

  test('with trace ids given, groups never cross traces (an ingest batch holds many)', () => {
    const spans = [
      call('a', 1, { traceId: 't1' }),
      call('b', 2, { traceId: 't1' }),
      call('c', 3, { traceId: 't2' }),
    ];
    expect(findRepeatedCalls(spans)).toEqual([]);
  });

  test('several loops come in the order of their first call', () => {
    const other = { parentSpanId: 'q' };
    const spans = [
      call('x1', 5, other),
      call('x2', 6, other),
      call('x3', 7, other),
      call('a', 1),
      call('b', 8),
      call('c', 9),
    ];
    expect(findRepeatedCalls(spans).map((loop) => loop.spanIds)).toEqual([
      ['a', 'b', 'c'],
      ['x1', 'x2', 'x3'],
    ]);
  });
});
