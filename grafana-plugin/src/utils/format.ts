export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${s}s`;
}

/** Below this a cost shows as "<$0.000001" rather than as a rounded zero. */
const SMALLEST_COST = 0.000001;

/** Decimals for two significant digits under $0.10 (at least four under a cent), else cents, whole dollars from 100. */
function costDecimals(abs: number): number {
  if (abs >= 100) return 0;
  if (abs >= 0.1) return 2;
  return Math.max(abs < 0.01 ? 4 : 3, 1 - Math.floor(Math.log10(abs)));
}

/**
 * Dollars with enough digits that a small cost keeps two significant ones and a non-zero cost never reads "$0.0000":
 * $12.35, $0.14, $0.012, $0.0029, $0.00015, $0.000042, and "<$0.000001" below a millionth of a dollar.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs < SMALLEST_COST) return `${sign}<$${SMALLEST_COST.toFixed(6)}`;
  // rounding may carry into the next band (0.0999 → 0.100): format the rounded value in its own band
  const rounded = Number(abs.toFixed(costDecimals(abs)));
  // trailing zeros past the fourth decimal dropped ($0.0009, not $0.00090)
  const digits = rounded.toFixed(costDecimals(rounded)).replace(/(\.\d{4}\d*?)0+$/, '$1');
  return `${sign}$${digits}`;
}

export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) < 10_000) return String(Math.round(n));
  if (Math.abs(n) < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '–';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Pretty-prints a JSON string (or any value); text that is not JSON comes back unchanged. */
export function prettyJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

export function shortId(id: string, length = 8): string {
  return id.length > length ? id.slice(0, length) : id;
}
