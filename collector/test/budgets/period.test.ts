// Budget periods are UTC calendar periods: the boundaries a user reads on a UTC clock, across month, year and leap
// day ends.
import { describe, expect, test } from 'vitest';
import { periodBounds } from '../../src/budgets/period.js';

const iso = (ms: number) => new Date(ms).toISOString();
const bounds = (period: 'hour' | 'day' | 'month', at: string) => {
  const { startMs, endMs } = periodBounds(period, Date.parse(at));
  return [iso(startMs), iso(endMs)];
};

describe('periodBounds', () => {
  test.each([
    ['hour', '2026-11-24T13:59:59.999Z', '2026-11-24T13:00:00.000Z', '2026-11-24T14:00:00.000Z'],
    ['hour', '2026-12-31T23:30:00.000Z', '2026-12-31T23:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['day', '2026-11-24T00:00:00.000Z', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z'],
    ['day', '2028-02-28T12:00:00.000Z', '2028-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['day', '2026-12-31T23:59:59.999Z', '2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['month', '2028-02-15T08:00:00.000Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    ['month', '2026-12-31T23:59:59.999Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    // An instant given with an offset is still placed in its UTC period.
    ['day', '2026-11-24T23:30:00.000-02:00', '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'],
  ] as const)('%s at %s: [%s, %s)', (period, at, start, end) => {
    expect(bounds(period, at)).toEqual([start, end]);
  });
});
