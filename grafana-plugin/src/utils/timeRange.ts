// Relative time ranges ('15m', '24h', …, 'all') as the pages keep them in the URL (`?range=6h`), and what they
// mean in milliseconds. Shared by the trace list's filters and the range picker of the aggregate pages.

export const RANGE_OPTIONS = [
  { label: 'Last 15 minutes', value: '15m' },
  { label: 'Last hour', value: '1h' },
  { label: 'Last 6 hours', value: '6h' },
  { label: 'Last 24 hours', value: '24h' },
  { label: 'Last 7 days', value: '7d' },
  { label: 'Last 30 days', value: '30d' },
  { label: 'All time', value: 'all' },
];

export const DEFAULT_RANGE = '24h';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The length of a relative range; null for 'all' (or anything unbounded or unknown). */
export function rangeToMs(range: string): number | null {
  const m = /^(\d+)([mhd])$/.exec(range);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/** Only bounded ranges, for the pages that aggregate: "all time" would read every partition. */
export const BOUNDED_RANGES = RANGE_OPTIONS.filter((o) => rangeToMs(o.value) !== null);

/** from/to (epoch ms, as the API takes them) of a relative range ending now. */
export function rangeBounds(range: string, now = Date.now()): { from: string; to: string } {
  return { from: String(now - (rangeToMs(range) ?? 86_400_000)), to: String(now) };
}
