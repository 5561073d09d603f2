// error-patterns: failures grouped by category + message signature — within one trace (from its spans), or across
// traces (from the failures classified at ingest, via storage).
import type { Failure } from '@beacon/semconv';
import type { ErrorPattern, Finding } from '../contract/index.js';
import { failuresOf, findLoops } from './failures.js';
import { count, numberFindings, spanRef } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { loopFinding } from './root-cause.js';
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

/** The failures of one trace, grouped; loops are patterns of their own (category loop). */
export function analyzeTraceErrorPatterns(trace: TraceData): AnalysisResult {
  const traceId = trace.summary.traceId;
  const tree = new SpanTree(trace.spans);
  const failures = failuresOf(tree.spans);
  const groups = new Map<string, { failure: Failure; spans: typeof tree.spans }>();
  for (const span of tree.spans) {
    const failure = failures.get(span.spanId);
    if (!failure) continue;
    const key = `${failure.category}\u0000${failure.signature}`;
    const group = groups.get(key) ?? { failure, spans: [] };
    groups.set(key, { failure: group.failure, spans: [...group.spans, span] });
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
        message: failures.get(newest.spanId)!.message,
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
  for (const loop of findLoops(tree.spans, failures)) {
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
    drafts.push(loopFinding(traceId, loop, tree, failures));
  }
  const findings = numberFindings('error-patterns', drafts);
  const text =
    findings.length === 0
      ? 'No failures or loops in this trace.'
      : `${count(failures.size, 'failing span')} in ${count(patterns.length, 'pattern')}: ${patterns
          .map((p) => `${p.category} "${p.signature}" ×${p.spanCount}`)
          .join('; ')}.`;
  return { findings, text, totalEstimatedSavingsUsd: null, patterns };
}

/** Patterns across traces (already grouped by storage): one finding each, the example trace's. */
export function analyzeErrorPatternsAcross(
  patterns: readonly ErrorPattern[],
  range: { fromNs: bigint; toNs: bigint },
): AnalysisResult {
  const findings = numberFindings(
    'error-patterns',
    patterns.map((p) => patternFinding(p, [p.example.spanId])),
  );
  const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
  const span = `${iso(range.fromNs)} to ${iso(range.toNs)}`;
  const failuresTotal = patterns.reduce((n, p) => n + p.spanCount, 0);
  const text =
    patterns.length === 0
      ? `No failures from ${span}.`
      : `${count(failuresTotal, 'failure')} in ${count(patterns.length, 'pattern')} from ${span}: ${patterns
          .map((p) => `${p.category} "${p.signature}" ×${p.spanCount} in ${count(p.traceCount, 'trace')}`)
          .join('; ')}.`;
  return { findings, text, totalEstimatedSavingsUsd: null, patterns: [...patterns] };
}
