// Instants as users and agents write them (RFC 3339 or epoch milliseconds), for every reader of time parameters:
// the query API's parameters and the MCP tools' arguments.

/** The latest instant DateTime64(9) holds: Int64 nanoseconds. */
export const MAX_NANOS = 2n ** 63n - 1n;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 (nanosecond fractions kept) or epoch milliseconds → nanoseconds since the epoch; null if neither. */
export function parseInstant(raw: string): bigint | null {
  if (/^\d{1,16}$/.test(raw)) {
    const nanos = BigInt(raw) * 1_000_000n;
    return nanos <= MAX_NANOS ? nanos : null;
  }
  const m = RFC3339.exec(raw);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls over (Feb 30 → Mar 2): such a date is invalid, not another one.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (!m[8] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null;
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0'));
  const nanos = (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + fraction;
  return nanos >= 0n && nanos <= MAX_NANOS ? nanos : null;
}
