// expectTrace: asserts that finished spans contain a tree of expected spans. Framework-free: failures are
// node:assert AssertionErrors, which every test runner reports.
import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import { GEN_AI } from '@beacon/semconv';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { renderTree, type SpanNode, spanTree } from './tree.js';

/** An expected attribute value: equal to, matching (RegExp), satisfying (predicate), or `null` for "not set". */
export type ExpectedValue = unknown | RegExp | ((value: unknown) => boolean) | null;

export interface ExpectedSpan {
  /** The span name, exactly or by RegExp. */
  name?: string | RegExp;
  /** gen_ai.operation.name */
  operation?: string;
  attributes?: Record<string, ExpectedValue>;
  status?: 'ok' | 'unset' | 'error';
  /** Names of events the span must carry (e.g. beacon.guard.triggered). */
  events?: string[];
  /**
   * Expected children, in start order. Other children may sit between them; set `exactChildren` to require
   * exactly these.
   */
  children?: ExpectedSpan[];
  exactChildren?: boolean;
}

function describeExpected(expected: ExpectedSpan): string {
  const parts: string[] = [];
  if (expected.name !== undefined) parts.push(String(expected.name));
  if (expected.operation !== undefined) parts.push(`operation=${expected.operation}`);
  return parts.length > 0 ? parts.join(' ') : '(any span)';
}

function valueMatches(expected: ExpectedValue, actual: unknown): boolean {
  if (expected === null) return actual === undefined;
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual);
  if (typeof expected === 'function') return (expected as (value: unknown) => boolean)(actual);
  return isDeepStrictEqual(expected, actual);
}

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value instanceof RegExp || typeof value === 'function') return String(value);
  return JSON.stringify(value);
}

const STATUS_NAMES = ['unset', 'ok', 'error'] as const;

/** Why `span` is not `expected` (own properties only, not children); empty when it matches. */
function mismatches(span: ReadableSpan, expected: ExpectedSpan): string[] {
  const out: string[] = [];
  if (expected.name !== undefined) {
    const ok = expected.name instanceof RegExp ? expected.name.test(span.name) : expected.name === span.name;
    if (!ok) out.push(`name: expected ${show(expected.name)}, got ${show(span.name)}`);
  }
  if (expected.operation !== undefined) {
    const actual = span.attributes[GEN_AI.OPERATION_NAME];
    if (actual !== expected.operation)
      out.push(`operation: expected ${show(expected.operation)}, got ${show(actual)}`);
  }
  for (const [key, value] of Object.entries(expected.attributes ?? {})) {
    const actual = span.attributes[key];
    if (!valueMatches(value, actual))
      out.push(`attribute ${key}: expected ${show(value)}, got ${show(actual)}`);
  }
  if (expected.status !== undefined) {
    const actual = STATUS_NAMES[span.status.code] ?? String(span.status.code);
    if (actual !== expected.status) out.push(`status: expected ${expected.status}, got ${actual}`);
  }
  for (const name of expected.events ?? []) {
    if (!span.events.some((e) => e.name === name)) {
      out.push(`event ${name}: missing (events: ${span.events.map((e) => e.name).join(', ') || 'none'})`);
    }
  }
  return out;
}

interface Failure {
  path: string[];
  message: string;
  /** How deep the match got: the deepest failure explains best. */
  depth: number;
  /** Mismatched properties at that depth: among equally deep failures, the fewest explains best. */
  misses: number;
}

function better(a: Failure, b: Failure | null): boolean {
  return b === null || a.depth > b.depth || (a.depth === b.depth && a.misses < b.misses);
}

/** Matches `expected` (and its subtree) against `node`; returns the failure, or null. */
function matchNode(node: SpanNode, expected: ExpectedSpan, path: string[]): Failure | null {
  const own = mismatches(node.span, expected);
  if (own.length > 0) return { path, message: own.join('; '), depth: path.length, misses: own.length };
  return matchChildren(node.children, expected, [...path, node.span.name]);
}

function matchChildren(children: SpanNode[], expected: ExpectedSpan, path: string[]): Failure | null {
  const wanted = expected.children ?? [];
  if (expected.exactChildren && children.length !== wanted.length) {
    return {
      path,
      message: `expected exactly ${wanted.length} children, got ${children.length}: ${children.map((c) => c.span.name).join(', ') || 'none'}`,
      depth: path.length,
      misses: 1,
    };
  }
  let from = 0;
  for (const child of wanted) {
    let best: Failure | null = null;
    let found = -1;
    for (let i = from; i < children.length; i++) {
      if (expected.exactChildren && i !== from) break;
      const failure = matchNode(children[i]!, child, path);
      if (failure === null) {
        found = i;
        break;
      }
      if (better(failure, best)) best = failure;
    }
    if (found < 0) {
      const candidates = children.slice(from).map((c) => c.span.name);
      const detail =
        best && best.depth > path.length
          ? best.message
          : `no child matches ${describeExpected(child)}${best ? ` (closest: ${best.message})` : ''}; candidates: ${candidates.join(', ') || 'none'}`;
      return {
        path: best && best.depth > path.length ? best.path : path,
        message: detail,
        depth: best?.depth ?? path.length,
        misses: best?.misses ?? 1,
      };
    }
    from = found + 1;
  }
  return null;
}

/**
 * Asserts that `spans` contain the expected tree (one expected root, or a list of roots in start order).
 * Throws an AssertionError naming the path to the first span that does not match, why, and the actual tree.
 */
export function expectTrace(spans: readonly ReadableSpan[], expected: ExpectedSpan | ExpectedSpan[]): void {
  const roots = spanTree(spans);
  const failure = matchChildren(roots, { children: Array.isArray(expected) ? expected : [expected] }, []);
  if (failure === null) return;
  const where = failure.path.length > 0 ? ` under ${failure.path.join(' > ')}` : '';
  throw new AssertionError({
    message: `expectTrace: ${failure.message}${where}\nActual trace:\n${renderTree(roots)}`,
    actual: renderTree(roots),
    expected,
    operator: 'expectTrace',
  });
}
