// Deterministic prose pieces: the same numbers always read the same (no locale, no clock).
import type { Finding, SpanView } from '../contract/index.js';

/** Savings and costs are reported to the micro-dollar. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

export function usd(value: number): string {
  const rounded = roundUsd(value);
  return `$${rounded.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}`;
}

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 1 : 2)} s`;
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ms`;
}

export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * How prose names a span, a tool or an agent: in plain double quotes. Explanations are shown as plain text, so
 * markdown (backticks) would show as it is.
 */
export function quoted(name: string): string {
  return `"${name}"`;
}

/** How prose names a span: its name quoted and its id in brackets, as a refinement cites it. */
export function spanRef(span: Pick<SpanView, 'name' | 'spanId'>): string {
  return `${quoted(span.name)} [${span.spanId}]`;
}

export function percent(ratio: number): string {
  const delta = (ratio - 1) * 100;
  return `${delta >= 0 ? '+' : ''}${delta.toFixed(0)}%`;
}

/** Finding ids are `<prefix>-1`, `<prefix>-2`, … in the order the findings are listed. */
export function numberFindings(prefix: string, findings: Omit<Finding, 'id'>[]): Finding[] {
  return findings.map((finding, i) => ({ id: `${prefix}-${i + 1}`, ...finding }));
}
