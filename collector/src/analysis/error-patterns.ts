// error-patterns: failures grouped by category + message signature — within one trace (from its spans), or across
// traces (from the failures classified at ingest, via storage). Each failure counts once, where it started: a
// span that failed only because its child failed (propagated) is no failure of its own. Loops are warnings, listed
// apart from the failures and never in their totals.
import type { Failure } from '@beacon/semconv';
import type { ErrorPattern, Finding } from '../contract/index.js';
import { findLoops, LOOP_DEFINITION, loopFinding } from './failures.js';
import { count, list, numberFindings, quoted, spanRef } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { analyzeFailures } from './propagation.js';
import { SpanTree } from './span-tree.js';

/** Severity of a pattern by how often it failed. */
function severityOf(spanCount: number): Finding['severity'] {
  return spanCount >= 10 ? 'critical' : 'warning';
}

function patternFinding(pattern: ErrorPattern, spanIds: string[]): Omit<Finding, 'id'> {
  return {
    type: 'error_pattern',
    category: pattern.category,
    severity: severityOf(pattern.spanCount),
    title: `${pattern.category}: ${pattern.signature}`,
    detail:
      `${count(pattern.spanCount, 'failure')} in ${count(pattern.traceCount, 'trace')} matched "${pattern.signature}" ` +
      `(${pattern.category}), e.g. ${spanRef({ name: pattern.example.spanName, spanId: pattern.example.spanId })}: ` +
      `"${pattern.example.message}".`,
    traceId: pattern.example.traceId,
    spanIds,
    estimatedSavingsUsd: null,
    evidence: {
      spanCount: pattern.spanCount,
      traceCount: pattern.traceCount,
      firstSeen: pattern.firstSeen,
      lastSeen: pattern.lastSeen,
    },
  };
}

const patternList = (patterns: readonly ErrorPattern[]) =>
  patterns.map((p) => `${p.category} "${p.signature}" ×${p.spanCount}`).join('; ');

/** The failures of one trace, grouped; loops are patterns of their own (category loop), listed as warnings. */
export function analyzeTraceErrorPatterns(trace: TraceData): AnalysisResult {
  const traceId = trace.summary.traceId;
  const tree = new SpanTree(trace.spans);
  const failures = analyzeFailures(tree);
  const groups = new Map<string, { failure: Failure; spans: (typeof tree.spans)[number][] }>();
  for (const span of tree.spans) {
    const failure = failures.own.get(span.spanId);
    if (!failure) continue;
    const key = `${failure.category}\u0000${failure.signature}`;
    const group = groups.get(key) ?? { failure, spans: [] };
    group.spans.push(span);
    groups.set(key, group);
  }
  const patterns: ErrorPattern[] = [];
  const drafts: Omit<Finding, 'id'>[] = [];
  const ordered = [...groups.values()].sort((a, b) => b.spans.length - a.spans.length);
  for (const { failure, spans } of ordered) {
    const newest = spans.at(-1)!;
    const pattern: ErrorPattern = {
      category: failure.category,
      signature: failure.signature,
      spanCount: spans.length,
      traceCount: 1,
      traceIds: [traceId],
      example: {
        traceId,
        spanId: newest.spanId,
        spanName: newest.name,
        message: failures.own.get(newest.spanId)!.message,
      },
      firstSeen: spans[0]!.startTimeUnixNano,
      lastSeen: newest.startTimeUnixNano,
    };
    patterns.push(pattern);
    drafts.push(
      patternFinding(
        pattern,
        spans.map((s) => s.spanId),
      ),
    );
  }
  const failurePatterns = [...patterns];
  const loops = findLoops(tree.spans, failures.all);
  for (const loop of loops) {
    const spans = loop.spanIds.map((id) => tree.get(id)!);
    const last = spans.at(-1)!;
    patterns.push({
      category: 'loop',
      signature: `repeated call: ${loop.spanName}`,
      spanCount: spans.length,
      traceCount: 1,
      traceIds: [traceId],
      example: {
        traceId,
        spanId: last.spanId,
        spanName: last.name,
        message: `${loop.spanName} ran ${spans.length} times`,
      },
      firstSeen: spans[0]!.startTimeUnixNano,
      lastSeen: last.startTimeUnixNano,
    });
    drafts.push(loopFinding(traceId, loop, tree, failures.all));
  }
  const findings = numberFindings('error-patterns', drafts);
  const passed = failures.propagated.size;
  const text = [
    failurePatterns.length === 0
      ? 'No failures in this trace.'
      : `${count(failures.own.size, 'failure')} in ${count(failurePatterns.length, 'pattern')}: ${patternList(failurePatterns)}.`,
    ...(passed > 0
      ? [`${count(passed, 'more span')} failed only because a child failed (propagated), not counted again.`]
      : []),
    ...(loops.length > 0
      ? [
          `Warnings (loops, not failures): ${list(loops.map((l) => `${quoted(l.spanName)} ×${l.spanIds.length}`))}; ` +
            `${LOOP_DEFINITION}.`,
        ]
      : []),
  ].join(' ');
  return { findings, text, totalEstimatedSavingsUsd: null, patterns };
}

/** A loop pattern across traces (counted at ingest): a warning, not a failure. */
function loopPatternFinding(pattern: ErrorPattern): Omit<Finding, 'id'> {
  return {
    ...patternFinding(pattern, [pattern.example.spanId]),
    type: 'loop',
    severity: 'warning',
    title: `Loop: ${pattern.signature}`,
    detail:
      `Loop (a warning, not a failure): ${count(pattern.spanCount, 'repeated call')} in ` +
      `${count(pattern.traceCount, 'trace')} matched "${pattern.signature}", e.g. ` +
      `${spanRef({ name: pattern.example.spanName, spanId: pattern.example.spanId })}. Definition: ${LOOP_DEFINITION}.`,
  };
}

/**
 * Patterns across traces (already grouped by storage, which counts each failure once, where it started): one
 * finding each, the example trace's; failures first, then loops, which are warnings and not in the totals.
 */
export function analyzeErrorPatternsAcross(
  patterns: readonly ErrorPattern[],
  range: { fromNs: bigint; toNs: bigint },
): AnalysisResult {
  const failures = patterns.filter((p) => p.category !== 'loop');
  const loops = patterns.filter((p) => p.category === 'loop');
  const findings = numberFindings('error-patterns', [
    ...failures.map((p) => patternFinding(p, [p.example.spanId])),
    ...loops.map(loopPatternFinding),
  ]);
  const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
  const span = `${iso(range.fromNs)} to ${iso(range.toNs)}`;
  const failuresTotal = failures.reduce((n, p) => n + p.spanCount, 0);
  const inTraces = (p: ErrorPattern) =>
    `${p.category} "${p.signature}" ×${p.spanCount} in ${count(p.traceCount, 'trace')}`;
  const text = [
    failures.length === 0
      ? `No failures from ${span}.`
      : `${count(failuresTotal, 'failure')} in ${count(failures.length, 'pattern')} from ${span}: ${failures.map(inTraces).join('; ')}.`,
    ...(loops.length > 0 ? [`Warnings (loops, not failures): ${loops.map(inTraces).join('; ')}.`] : []),
  ].join(' ');
  return { findings, text, totalEstimatedSavingsUsd: null, patterns: [...failures, ...loops] };
}
