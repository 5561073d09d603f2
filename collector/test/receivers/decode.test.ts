import { describe, expect, it } from 'vitest';
import { DecodeError, decodeTracesJson, decodeTracesProtobuf } from '../../src/receivers/index.js';
import {
  CHILD_SPAN_ID,
  END_NANOS,
  encodeProtobufRequest,
  jsonSpan,
  protoSpan,
  ROOT_SPAN_ID,
  requestWith,
  START_NANOS,
  TRACE_ID,
} from './helpers.js';

const everyAnyValue = [
  { key: 'str', value: { stringValue: 'hello' } },
  { key: 'empty.str', value: { stringValue: '' } },
  { key: 'bool', value: { boolValue: false } },
  { key: 'int', value: { intValue: 42 } },
  { key: 'int.zero', value: { intValue: 0 } },
  { key: 'int.negative', value: { intValue: -7 } },
  { key: 'int.big', value: { intValue: '9223372036854775807' } },
  { key: 'double', value: { doubleValue: 0.25 } },
  {
    key: 'array',
    value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, { boolValue: true }] } },
  },
  {
    key: 'kvlist',
    value: {
      kvlistValue: {
        values: [
          {
            key: 'nested',
            value: { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: 1.5 } }] } },
          },
          { key: '__proto__', value: { stringValue: 'not a prototype' } },
        ],
      },
    },
  },
  { key: 'empty', value: {} },
  { key: 'no.value' },
];

const expectedAttributes = {
  str: 'hello',
  'empty.str': '',
  bool: false,
  int: 42,
  'int.zero': 0,
  'int.negative': -7,
  'int.big': '9223372036854775807',
  double: 0.25,
  array: ['a', 1, true],
  kvlist: { nested: { deep: 1.5 }, ['__proto__']: 'not a prototype' },
  empty: null,
  'no.value': null,
};

describe('decodeTracesProtobuf', () => {
  it('decodes ids, parentage, times, kinds, status, events, links, resource and scope', () => {
    const request = requestWith([
      protoSpan({ kind: 2, status: { code: 1 } }),
      protoSpan({
        spanId: Buffer.from(CHILD_SPAN_ID, 'hex'),
        parentSpanId: Buffer.from(ROOT_SPAN_ID, 'hex'),
        traceState: 'vendor=1',
        kind: 3,
        status: { code: 2, message: 'rate limited' },
        attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }],
        events: [
          {
            timeUnixNano: (START_NANOS + 5n).toString(),
            name: 'gen_ai.choice',
            attributes: [{ key: 'index', value: { intValue: 0 } }],
          },
        ],
        links: [
          {
            traceId: Buffer.alloc(16, 0xab),
            spanId: Buffer.alloc(8, 0xcd),
            traceState: 't=1',
            attributes: [{ key: 'why', value: { stringValue: 'batch' } }],
          },
        ],
      }),
    ]);
    const result = decodeTracesProtobuf(encodeProtobufRequest(request));
    expect(result.rejectedSpans).toBe(0);
    expect(result.errors).toEqual([]);
    expect(result.spans).toHaveLength(2);
    const [root, child] = result.spans;
    expect(root).toMatchObject({
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      parentSpanId: '',
      kind: 2,
      statusCode: 1,
      statusMessage: '',
      startTimeUnixNano: START_NANOS,
      endTimeUnixNano: END_NANOS,
      serviceName: 'agent-service',
      resource: { 'service.name': 'agent-service' },
      scopeName: 'beacon-test',
      scopeVersion: '1.2.3',
      attributes: {},
      events: [],
      links: [],
    });
    expect(child).toEqual({
      traceId: TRACE_ID,
      spanId: CHILD_SPAN_ID,
      parentSpanId: ROOT_SPAN_ID,
      traceState: 'vendor=1',
      name: 'invoke_agent planner',
      kind: 3,
      startTimeUnixNano: START_NANOS,
      endTimeUnixNano: END_NANOS,
      attributes: { 'gen_ai.request.model': 'gpt-4o' },
      events: [{ timeUnixNano: START_NANOS + 5n, name: 'gen_ai.choice', attributes: { index: 0 } }],
      links: [
        { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: 't=1', attributes: { why: 'batch' } },
      ],
      statusCode: 2,
      statusMessage: 'rate limited',
      resource: { 'service.name': 'agent-service' },
      serviceName: 'agent-service',
      scopeName: 'beacon-test',
      scopeVersion: '1.2.3',
    });
  });

  it('decodes every AnyValue type', () => {
    const request = requestWith([
      protoSpan({
        attributes: [
          ...everyAnyValue,
          { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 254, 255]) } },
        ],
      }),
    ]);
    const [span] = decodeTracesProtobuf(encodeProtobufRequest(request)).spans;
    expect(span!.attributes).toEqual({ ...expectedAttributes, bytes: 'AAH+/w==' });
    expect(Object.getPrototypeOf(span!.attributes.kvlist)).toBe(Object.prototype);
  });

  it('rejects exactly the invalid spans and keeps the rest', () => {
    const request = requestWith([
      protoSpan({ name: 'ok-1' }),
      protoSpan({ traceId: Buffer.alloc(16) }),
      protoSpan({ traceId: Buffer.alloc(4, 1) }),
      protoSpan({ spanId: Buffer.alloc(0) }),
      protoSpan({ spanId: Buffer.alloc(8) }),
      protoSpan({ parentSpanId: Buffer.alloc(3, 1) }),
      protoSpan({ startTimeUnixNano: '0' }),
      protoSpan({ endTimeUnixNano: (START_NANOS - 1n).toString() }),
      protoSpan({ name: 'ok-2', parentSpanId: Buffer.alloc(8) }),
    ]);
    const result = decodeTracesProtobuf(encodeProtobufRequest(request));
    expect(result.spans.map((span) => span.name)).toEqual(['ok-1', 'ok-2']);
    expect(result.spans[1]!.parentSpanId).toBe('');
    expect(result.rejectedSpans).toBe(7);
    expect(result.errors).toEqual([
      'invalid traceId: all zeros',
      'invalid traceId: expected 16 bytes, got 4',
      'missing spanId',
      'invalid spanId: all zeros',
      'invalid parentSpanId: expected 8 bytes or empty, got 3',
      'missing startTimeUnixNano',
      'endTimeUnixNano is before startTimeUnixNano',
    ]);
  });

  it('deduplicates rejection reasons', () => {
    const request = requestWith(Array.from({ length: 50 }, () => protoSpan({ traceId: Buffer.alloc(16) })));
    const result = decodeTracesProtobuf(encodeProtobufRequest(request));
    expect(result).toEqual({ spans: [], rejectedSpans: 50, errors: ['invalid traceId: all zeros'] });
  });

  it('defaults the service name and maps unknown enum values to 0', () => {
    const request = {
      resourceSpans: [{ scopeSpans: [{ spans: [protoSpan({ kind: 9, status: { code: 7 } })] }] }],
    };
    const [span] = decodeTracesProtobuf(encodeProtobufRequest(request)).spans;
    expect(span).toMatchObject({
      serviceName: 'unknown_service',
      resource: {},
      scopeName: '',
      kind: 0,
      statusCode: 0,
    });
  });

  it('treats an empty request as success with no spans', () => {
    expect(decodeTracesProtobuf(new Uint8Array())).toEqual({ spans: [], rejectedSpans: 0, errors: [] });
    expect(
      decodeTracesProtobuf(encodeProtobufRequest({ resourceSpans: [{ scopeSpans: [{}] }] })).spans,
    ).toEqual([]);
  });

  it('throws DecodeError for bytes that are not an ExportTraceServiceRequest', () => {
    const garbage = Buffer.from('this is not protobuf at all');
    expect(() => decodeTracesProtobuf(garbage)).toThrow(DecodeError);
    expect(() => decodeTracesProtobuf(garbage)).toThrow(/^invalid protobuf ExportTraceServiceRequest: /);
    const truncated = encodeProtobufRequest(requestWith([protoSpan()])).subarray(0, 20);
    expect(() => decodeTracesProtobuf(truncated)).toThrow(DecodeError);
  });
});

describe('decodeTracesJson', () => {
  it('decodes hex ids, int64 strings and numbers, enum integers and names', () => {
    const body = JSON.stringify(
      requestWith([
        jsonSpan({ kind: 'SPAN_KIND_SERVER', status: { code: 'STATUS_CODE_ERROR', message: 'boom' } }),
        jsonSpan({
          spanId: CHILD_SPAN_ID.toUpperCase(),
          parentSpanId: ROOT_SPAN_ID,
          kind: 3,
          startTimeUnixNano: 1_700_000_000_000_000_000,
          endTimeUnixNano: '1700000000000000001',
          status: { code: 1 },
          events: [{ timeUnixNano: '1700000000000000000', name: 'e' }],
          links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }],
        }),
      ]),
    );
    const result = decodeTracesJson(body);
    expect(result.rejectedSpans).toBe(0);
    expect(result.spans[0]).toMatchObject({
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      kind: 2,
      statusCode: 2,
      statusMessage: 'boom',
    });
    expect(result.spans[1]).toMatchObject({
      spanId: CHILD_SPAN_ID,
      parentSpanId: ROOT_SPAN_ID,
      kind: 3,
      statusCode: 1,
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      endTimeUnixNano: 1_700_000_000_000_000_001n,
      events: [{ timeUnixNano: 1_700_000_000_000_000_000n, name: 'e', attributes: {} }],
      links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: '', attributes: {} }],
    });
  });

  it('decodes every AnyValue type (bytes as base64)', () => {
    const body = JSON.stringify(
      requestWith([
        jsonSpan({ attributes: [...everyAnyValue, { key: 'bytes', value: { bytesValue: 'AAH+/w==' } }] }),
      ]),
    );
    const [span] = decodeTracesJson(body).spans;
    expect(span!.attributes).toEqual({ ...expectedAttributes, bytes: 'AAH+/w==' });
  });

  it('accepts snake_case keys and ignores unknown fields', () => {
    const body = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }], future: 1 },
          scope_spans: [
            {
              scope: { name: 's' },
              spans: [
                {
                  trace_id: TRACE_ID,
                  span_id: CHILD_SPAN_ID,
                  parent_span_id: ROOT_SPAN_ID,
                  start_time_unix_nano: '10',
                  end_time_unix_nano: '20',
                  some_new_field: { nested: true },
                },
              ],
            },
          ],
        },
      ],
      somethingElse: [],
    });
    const [span] = decodeTracesJson(body).spans;
    expect(span).toMatchObject({
      serviceName: 'snake',
      traceId: TRACE_ID,
      spanId: CHILD_SPAN_ID,
      parentSpanId: ROOT_SPAN_ID,
      startTimeUnixNano: 10n,
      endTimeUnixNano: 20n,
    });
  });

  it('rejects invalid spans individually', () => {
    const body = JSON.stringify(
      requestWith([
        jsonSpan(),
        jsonSpan({ traceId: '' }),
        jsonSpan({ spanId: '0000000000000000' }),
        jsonSpan({ startTimeUnixNano: undefined }),
        jsonSpan({ traceId: 'abc' }),
        jsonSpan({ spanId: 'zzzzzzzzzzzzzzzz' }),
        jsonSpan({ parentSpanId: 'not-hex' }),
      ]),
    );
    const result = decodeTracesJson(body);
    expect(result.spans).toHaveLength(1);
    expect(result.rejectedSpans).toBe(6);
    expect(result.errors).toEqual([
      'missing traceId',
      'invalid spanId: all zeros',
      'missing startTimeUnixNano',
      'invalid traceId: expected 16 bytes, got 1',
      'invalid spanId: expected 8 bytes, got 1',
      'invalid parentSpanId: expected 8 bytes or empty, got 1',
    ]);
  });

  it('treats empty requests as success with no spans', () => {
    expect(decodeTracesJson('{}')).toEqual({ spans: [], rejectedSpans: 0, errors: [] });
    expect(decodeTracesJson('')).toEqual({ spans: [], rejectedSpans: 0, errors: [] });
    expect(decodeTracesJson('{"resourceSpans":[]}').spans).toEqual([]);
  });

  it.each([
    ['not JSON', '{"resourceSpans": [', /^invalid JSON: /],
    ['a JSON array', '[]', /expected an ExportTraceServiceRequest object/],
    ['resourceSpans of the wrong type', '{"resourceSpans": {}}', /^resourceSpans: expected an array$/],
    [
      'a span that is not an object',
      JSON.stringify(requestWith([jsonSpan(), 7])),
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: expected an object$/,
    ],
    [
      'a non-numeric time',
      JSON.stringify(requestWith([jsonSpan(), jsonSpan({ startTimeUnixNano: 'soon' })])),
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: Span\.startTimeUnixNano: invalid integer: "soon"$/,
    ],
    [
      'a string where a message belongs',
      JSON.stringify(requestWith([jsonSpan({ status: 'ok' })])),
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: Status: expected object/,
    ],
    [
      'a malformed resource',
      JSON.stringify({
        resourceSpans: [{ resource: { attributes: 'x' }, scopeSpans: [{ spans: [jsonSpan()] }] }],
      }),
      /^resourceSpans\[0\]\.resource: Resource\.attributes: expected array/,
    ],
    [
      'a top-level field of the wrong type',
      '{"resourceSpans": [], "resource_spans": []}',
      /^invalid OTLP\/JSON: /,
    ],
    [
      'a numeric link id',
      JSON.stringify(requestWith([jsonSpan({ links: [{ traceId: 5 }] })])),
      /spans\[0\]\.links\[0\]\.traceId: expected 32 hex/,
    ],
  ])('throws DecodeError naming the problem for %s', (_, body, message) => {
    expect(() => decodeTracesJson(body)).toThrow(DecodeError);
    expect(() => decodeTracesJson(body)).toThrow(message);
  });

  it('refuses absurdly deep attribute nesting instead of overflowing the stack', () => {
    let value: Record<string, unknown> = { stringValue: 'bottom' };
    for (let depth = 0; depth < 500; depth++) value = { arrayValue: { values: [value] } };
    const body = JSON.stringify(requestWith([jsonSpan({ attributes: [{ key: 'deep', value }] })]));
    expect(() => decodeTracesJson(body)).toThrow(DecodeError);
  });
});
