// OTLP/JSON load for the crash, shutdown and spool tests: batches of chat spans with known ids and current
// timestamps (the retention TTL keeps them).
import { randomBytes } from 'node:crypto';

export const newSpanIds = (count: number): string[] =>
  Array.from({ length: count }, () => randomBytes(8).toString('hex'));

export function jsonBatch(spanIds: readonly string[]): string {
  const traceId = randomBytes(16).toString('hex');
  const start = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'load' } }] },
        scopeSpans: [
          {
            spans: spanIds.map((spanId, i) => ({
              traceId,
              spanId,
              name: 'chat gpt-4o-mini',
              kind: 3,
              startTimeUnixNano: String(start + BigInt(i)),
              endTimeUnixNano: String(start + BigInt(i) + 1_000_000n),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
              ],
            })),
          },
        ],
      },
    ],
  });
}
