// Pure parts of the exporter (no database): attribute strings as the contrib exporter writes them, DateTime64
// text, content addressing, the recent-message cache, backoff and well-formed text.
import { describe, expect, test } from 'vitest';
import {
  addressMessage,
  attributeValueToString,
  backoffDelay,
  canonicalJson,
  RecentMessages,
  toBatchRows,
  toDateTime64,
} from '../../src/exporters/clickhouse/index.js';
import { wellFormed } from '../../src/exporters/clickhouse/text.js';
import { makeFacts, makeSpan } from './helpers.js';

describe('attributeValueToString (pdata Value.AsString)', () => {
  test.each([
    ['a string', 'a string'],
    [true, 'true'],
    [false, 'false'],
    [42, '42'],
    [-7, '-7'],
    [0.2, '0.2'],
    [1e21, '1e+21'],
    [123456789012345680000, '123456789012345680000'],
    [1.5e-7, '1.5e-7'],
    [0.000001, '0.000001'],
    [-0, '-0'],
    [Number.NaN, 'json: unsupported value: NaN'],
    [Number.POSITIVE_INFINITY, 'json: unsupported value: +Inf'],
    [Number.NEGATIVE_INFINITY, 'json: unsupported value: -Inf'],
    [null, ''],
    [['a', 1, 2.5, true, null], '["a",1,2.5,true,null]'],
    [[], '[]'],
    [{ b: 1, a: [{ d: 'x', c: null }] }, '{"a":[{"c":null,"d":"x"}],"b":1}'],
    [
      { html: '<b>&</b>', line: '\u2028', ctl: '\u0001\n' },
      '{"ctl":"\\u0001\\n","html":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e","line":"\\u2028"}',
    ],
    [[1, Number.NaN], ''],
  ] as const)('%j → %s', (value, expected) => {
    expect(attributeValueToString(value as never)).toBe(expected);
  });
});

describe('toDateTime64', () => {
  test('ten digits of Unix seconds and nine of nanoseconds, clamped to DateTime64(9)', () => {
    expect(toDateTime64(1_767_323_045_123_456_789n)).toBe('1767323045.123456789');
    expect(toDateTime64(1n)).toBe('0000000000.000000001');
    expect(toDateTime64(0n)).toBe('0000000000.000000000');
    expect(toDateTime64(2n ** 63n - 1n)).toBe('9223372036.854775807');
    expect(toDateTime64(2n ** 64n - 1n)).toBe('9223372036.854775807');
  });
});

describe('content addressing', () => {
  test('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,{"z":1}]},"b":1}',
    );
  });

  test('equal messages hash equal whatever their key order; different content differs', () => {
    const a = addressMessage({ role: 'user', parts: [{ type: 'text', content: 'hi' }] });
    const b = addressMessage({ parts: [{ content: 'hi', type: 'text' }], role: 'user' });
    const c = addressMessage({ role: 'user', parts: [{ type: 'text', content: 'hi!' }] });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(JSON.parse(a.content)).toEqual({ role: 'user', parts: [{ type: 'text', content: 'hi' }] });
  });

  test('a batch holds each distinct message once, on the latest day referenced', () => {
    const day = 86_400_000_000_000n;
    const message = { role: 'user', parts: [{ type: 'text', content: 'same' }] };
    const spans = [2n, 1n, 2n].map((d) =>
      makeSpan({ startTimeUnixNano: d * day + 5n, genai: makeFacts({ inputMessages: [message] }) }),
    );
    const rows = toBatchRows(spans, new RecentMessages(10));
    expect(rows.messages).toHaveLength(1);
    expect(rows.messages[0]!.day).toBe(2);
    expect(rows.genai.map(({ row }) => row.InputMessageHashes)).toEqual(
      Array(3).fill([addressMessage(message).hash]),
    );
  });

  test('RecentMessages: covers same or earlier days, forgets the least recently used past capacity', () => {
    const recent = new RecentMessages(2);
    recent.remember('a', 10);
    expect(recent.covers('a', 10)).toBe(true);
    expect(recent.covers('a', 9)).toBe(true);
    expect(recent.covers('a', 11)).toBe(false);
    recent.remember('b', 10);
    expect(recent.covers('a', 10)).toBe(true); // a is now the most recently used
    recent.remember('c', 10);
    expect(recent.size).toBe(2);
    expect(recent.covers('b', 10)).toBe(false);
    expect(recent.covers('a', 10)).toBe(true);
    recent.remember('a', 3);
    expect(recent.covers('a', 10)).toBe(true); // never moves back in time
  });
});

describe('backoffDelay', () => {
  test('doubles per attempt up to the cap, with jitter between half and all of it', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(30, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(30, 100, 10_000, () => 0)).toBe(5000);
  });
});

describe('wellFormed', () => {
  test('replaces lone surrogates only', () => {
    expect(wellFormed('a\ud800b\udc00c')).toBe('a\ufffdb\ufffdc');
    expect(wellFormed('\ud83d\ude00')).toBe('\ud83d\ude00');
    expect(wellFormed('\ude00\ud83d')).toBe('\ufffd\ufffd');
    expect(wellFormed('plain')).toBe('plain');
  });
});
