// The ClickHouse exporter end to end on the embedded engine: content-addressed messages (beacon_messages).
import type { Message } from '@beacon/semconv';
import { describe, expect, test } from 'vitest';
import { addressMessage, ClickHouseWriter } from '../../src/exporters/clickhouse/index.js';
import type { EnrichedSpan } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import { describeExactlyOnce, useExporterStore } from './exporter-setup.js';
import { DATABASE, makeFacts, makeSpan, silentLogger, T0, traceId } from './helpers.js';

const store = useExporterStore();

describe('beacon_messages', () => {
  test('a growing conversation stores each distinct message once, however often it is resent', async () => {
    const system = [{ type: 'text', content: 'You are a long-running research agent.' }];
    const user = (i: number): Message => ({
      role: 'user',
      parts: [{ type: 'text', content: `question ${i}` }],
    });
    const assistant = (i: number): Message => ({
      role: 'assistant',
      parts: [{ type: 'text', content: `answer ${i}` }],
    });
    const trace = traceId();
    const spans: EnrichedSpan[] = [];
    const history: Message[] = [];
    for (let i = 0; i < 50; i++) {
      history.push(user(i));
      spans.push(
        makeSpan({
          traceId: trace,
          startTimeUnixNano: T0 + BigInt(i) * 1_000_000n,
          genai: makeFacts({
            systemInstructions: system,
            inputMessages: [...history],
            outputMessages: [assistant(i)],
          }),
        }),
      );
      history.push(assistant(i));
    }
    const before = await store.db.query<{ n: string }>('SELECT toString(count()) AS n FROM beacon_messages');
    // Five separate batches: the conversation's history crosses batch boundaries.
    await store.write(...Array.from({ length: 5 }, (_, b) => spans.slice(b * 10, b * 10 + 10)));

    const [after] = await store.db.query<{ rows: string; distinct: string }>(
      'SELECT toString(count()) AS rows, toString(uniqExact(Hash)) AS distinct FROM beacon_messages',
    );
    const added = Number(after!.rows) - Number(before[0]!.n);
    // 1 system message + 50 questions + 50 answers, though spans referenced 1 + Σ(2i+1) + 50 = 2 601 messages.
    expect(added).toBe(101);
    expect(after!.rows).toBe(after!.distinct);

    const refs = await store.db.query<{ inputs: number; unresolved: string }>(
      `SELECT length(InputMessageHashes) AS inputs,
              toString(arrayCount(h -> h NOT IN (SELECT Hash FROM beacon_messages), arrayConcat(InputMessageHashes, OutputMessageHashes, SystemInstructionHashes))) AS unresolved
       FROM beacon_genai_spans WHERE TraceId = {trace:String} ORDER BY Timestamp`,
      { trace },
    );
    expect(refs.map((r) => r.inputs)).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
    expect(refs.every((r) => r.unresolved === '0')).toBe(true);

    // A restarted collector (empty in-process cache) may write a message again; reads aggregate, so nothing changes.
    const restarted = new ClickHouseWriter({
      storage: store.db.storage,
      databaseFor: async () => DATABASE,
      logger: silentLogger,
      maxQueueSpans: 100,
      batchSpans: 100,
      flushIntervalMs: 20,
    });
    expect(
      restarted.enqueue({
        tenant: DEFAULT_TENANT,
        spans: [
          makeSpan({
            traceId: trace,
            genai: makeFacts({ systemInstructions: system, inputMessages: [user(0)] }),
          }),
        ],
      }),
    ).toBe(true);
    await restarted.close({ timeoutMs: 10_000 });
    store.otherWriterSpans += restarted.stats.spansWritten;
    const distinct = await store.db.query<{ Hash: string; FirstSeen: string }>(
      `SELECT Hash, toString(min(FirstSeen)) AS FirstSeen FROM beacon_messages WHERE Hash = {hash:String} GROUP BY Hash`,
      { hash: addressMessage(user(0)).hash },
    );
    expect(distinct).toEqual([
      { Hash: addressMessage(user(0)).hash, FirstSeen: '2026-01-02 03:04:05.123456789' },
    ]);
  });
});

describeExactlyOnce(store);
