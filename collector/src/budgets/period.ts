// Budget periods in UTC: the calendar hour, day or month an instant falls in. UTC so that every collector replica,
// the API, Prometheus and the plugin agree on when a period starts, whatever their local time zone.
import type { BudgetPeriod } from '../contract/index.js';

export interface PeriodBounds {
  /** Inclusive, epoch ms. */
  startMs: number;
  /** Exclusive, epoch ms. */
  endMs: number;
}

export function periodBounds(period: BudgetPeriod, nowMs: number): PeriodBounds {
  const now = new Date(nowMs);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (period) {
    case 'hour': {
      const startMs = Date.UTC(y, m, d, now.getUTCHours());
      return { startMs, endMs: startMs + 3_600_000 };
    }
    case 'day': {
      // Date.UTC(y, m, d + 1) rolls over month and year ends.
      return { startMs: Date.UTC(y, m, d), endMs: Date.UTC(y, m, d + 1) };
    }
    case 'month':
      return { startMs: Date.UTC(y, m, 1), endMs: Date.UTC(y, m + 1, 1) };
  }
}

/** Burn-down resolution: about 60-125 points per period, on boundaries of the rollup's minutes. */
export function burndownStepSeconds(period: BudgetPeriod): number {
  switch (period) {
    case 'hour':
      return 60;
    case 'day':
      return 15 * 60;
    case 'month':
      return 6 * 3600;
  }
}

/** Epoch ms → nanoseconds since the epoch as a decimal string (the API's instants). */
export function msToNanosText(ms: number): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}
