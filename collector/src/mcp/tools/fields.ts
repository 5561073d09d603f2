// What the tools share: input fields (trace ids, time ranges) and the conversions of the API's answers into the
// compact JSON an agent reads (ISO times, rounded numbers, no empty fields).
import { z } from 'zod';
import { parseInstant } from '../../time.js';
import { ToolInputError } from './tool.js';

export const traceId = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'expected a trace id: 32 hex characters')
  .transform((id) => id.toLowerCase());

const instant = (what: string) =>
  z
    .string()
    .refine((raw) => parseInstant(raw) !== null, 'expected an RFC 3339 time or epoch milliseconds')
    .optional()
    .describe(`${what}: RFC 3339 (2026-05-01T10:00:00Z) or epoch milliseconds.`);

const DURATION = /^(\d{1,6})(m|h|d)$/;
export const timeRangeFields = {
  since: z
    .string()
    .regex(DURATION, 'expected a duration like 15m, 6h or 7d')
    .optional()
    .describe('Look back this far from now (15m, 6h, 7d); ignored when `from` is given.'),
  from: instant('Start of the time range'),
  to: instant('End of the time range (default now)'),
};
type TimeRangeArgs = { since?: string; from?: string; to?: string };

export const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The range as epoch ms for the API: `from` wins over `since`; undefined parts are the API's defaults. */
export function timeRange(args: TimeRangeArgs, defaultSince?: string): { from?: number; to?: number } {
  const toMs = (raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const ns = parseInstant(raw);
    return ns === null ? undefined : Number(ns / 1_000_000n);
  };
  const to = toMs(args.to);
  let from = toMs(args.from);
  const since = args.since ?? (from === undefined ? defaultSince : undefined);
  if (from === undefined && since !== undefined) {
    const [, amount, unit] = DURATION.exec(since)!;
    from = (to ?? Date.now()) - Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (from !== undefined && to !== undefined && from > to) throw new ToolInputError('from: later than to');
  return { from, to };
}

/** Nanoseconds since the epoch (decimal string) → ISO 8601 (ms precision): what an agent reads and passes back. */
export function iso(ns: string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}

export const round = (value: number, digits = 6) => Number(value.toFixed(digits));

/**
 * Removes undefined fields (and, for rows whose list fields are optional, empty lists), so the JSON an agent reads
 * carries only what is there.
 */
export function compact<T extends Record<string, unknown>>(value: T, dropEmptyLists = false): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || (dropEmptyLists && Array.isArray(field) && field.length === 0)) continue;
    out[key] = field;
  }
  return out as T;
}
