// root-cause: the span where the failure started, what fed it, and loops (identical calls, retry loops).
import type { Failure } from '@beacon/semconv';
import type { Finding, SpanView } from '../contract/index.js';
import { failuresOf, findLoops, isInference, isToolCall, type Loop } from './failures.js';
import { count, list, numberFindings, spanRef } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { byStart, endNs, SpanTree, startNs } from './span-tree.js';

export interface RootCause {
  span: SpanView;
  failure: Failure;
  onCriticalPath: boolean;
  /** The model call whose tool call invoked the failing tool span. */
  source: SpanView | null;
  /** The sibling that finished last before the failing span started: the step whose output it ran on. */
  previous: SpanView | null;
  parent: SpanView | null;
  /** What fed the failing span, most direct first: source, previous, parent (each once). */
  fedBy: SpanView[];
  /** Failing ancestors the error propagated to, nearest first. */
  propagatedTo: SpanView[];
}

/**
 * The origin of the error chain: among failing spans with no failing descendant (where an error started rather
 * than passed through), the one that ended first — on the critical path when one of them is, else anywhere.
 */
export function findRootCause(tree: SpanTree, failures: ReadonlyMap<string, Failure>): RootCause | null {
  const passedThrough = new Set<string>();
  for (const spanId of failures.keys()) {
    const span = tree.get(spanId);
    if (span) for (const ancestor of tree.ancestors(span)) passedThrough.add(ancestor.spanId);
  }
  const origins = tree.spans.filter((s) => failures.has(s.spanId) && !passedThrough.has(s.spanId));
  if (origins.length === 0) return null;
  const critical = tree.criticalPath();
  const firstEnding = (spans: SpanView[]) =>
    [...spans].sort((a, b) => {
      const d = endNs(a) - endNs(b);
      return d < 0n ? -1 : d > 0n ? 1 : byStart(a, b);
    })[0];
  const onPath = origins.filter((s) => critical.has(s.spanId));
  const span = firstEnding(onPath.length > 0 ? onPath : origins)!;
  const source = isToolCall(span) ? toolCallSource(tree, span) : null;
  const previous = previousSibling(tree, span);
  const parent = tree.parent(span) ?? null;
  return {
    span,
    failure: failures.get(span.spanId)!,
    onCriticalPath: critical.has(span.spanId),
    source,
    previous,
    parent,
    fedBy: [...new Set([source, previous, parent].filter((s): s is SpanView => s !== null))],
    propagatedTo: tree.ancestors(span).filter((a) => failures.has(a.spanId)),
  };
}

/** True when the model call's answer asked for this tool call. */
function askedFor(call: SpanView, tool: SpanView): boolean {
  const toolCallId = tool.genai?.toolCallId ?? null;
  return (call.genai?.outputMessages ?? []).some((message) =>
    message.parts.some(
      (part) =>
        part.type === 'tool_call' &&
        (toolCallId !== null ? part.id === toolCallId : part.name === tool.genai?.toolName),
    ),
  );
}

/**
 * The model call whose tool call invoked a tool span: matched by gen_ai tool call id anywhere earlier in the trace,
 * else by tool name among earlier model calls under the same parent, else the last model call before it there.
 */
function toolCallSource(tree: SpanTree, tool: SpanView): SpanView | null {
  const earlier = tree.spans
    .filter((s) => isInference(s) && startNs(s) <= startNs(tool) && s !== tool)
    .reverse();
  if (tool.genai?.toolCallId) {
    const byId = earlier.find((call) => askedFor(call, tool));
    if (byId) return byId;
  }
  const siblings = earlier.filter((s) => s.parentSpanId === tool.parentSpanId);
  return siblings.find((call) => askedFor(call, tool)) ?? siblings[0] ?? null;
}

function previousSibling(tree: SpanTree, span: SpanView): SpanView | null {
  const parent = tree.parent(span);
  const siblings = parent ? tree.children(parent) : tree.roots;
  const before = siblings.filter((s) => s !== span && endNs(s) <= startNs(span));
  const latest = (a: SpanView, b: SpanView) =>
    endNs(b) > endNs(a) ? 1 : endNs(b) < endNs(a) ? -1 : -byStart(a, b);
  return before.sort(latest)[0] ?? null;
}

function rootCauseFinding(traceId: string, cause: RootCause, traceFailed: boolean): Omit<Finding, 'id'> {
  const { span, failure } = cause;
  const sentences = [`${spanRef(span)} failed (${failure.category}): "${failure.message}".`];
  // Only a model call that really asked for this tool call is named as its source; otherwise it is just a step.
  const source = cause.source;
  if (source) {
    sentences.push(
      askedFor(source, span)
        ? `The model call ${spanRef(source)} asked for this tool call.`
        : `The last model call before it was ${spanRef(source)}.`,
    );
  }
  const previous = cause.previous && cause.previous !== source ? cause.previous : null;
  if (cause.parent || previous) {
    sentences.push(
      `It ran${cause.parent ? ` under ${spanRef(cause.parent)}` : ''}${cause.parent && previous ? ',' : ''}` +
        `${previous ? ` right after ${spanRef(previous)}` : ''}.`,
    );
  }
  if (cause.propagatedTo.length > 0)
    sentences.push(`The error propagated to ${list(cause.propagatedTo.map(spanRef))}.`);
  return {
    type: 'root_cause',
    category: failure.category,
    severity: traceFailed ? 'critical' : 'warning',
    title: `${span.name} failed: ${failure.category}`,
    detail: sentences.join(' '),
    traceId,
    spanIds: [span.spanId, ...cause.fedBy.map((s) => s.spanId)],
    estimatedSavingsUsd: null,
    evidence: {
      spanName: span.name,
      message: failure.message,
      signature: failure.signature,
      onCriticalPath: cause.onCriticalPath,
      propagatedTo: cause.propagatedTo.length,
      traceFailed,
    },
  };
}

export function loopFinding(
  traceId: string,
  loop: Loop,
  tree: SpanTree,
  failures: ReadonlyMap<string, Failure>,
): Omit<Finding, 'id'> {
  const first = tree.get(loop.spanIds[0]!);
  const parent = first ? tree.parent(first) : undefined;
  const categories = [
    ...new Set(loop.spanIds.map((id) => failures.get(id)?.category).filter((c) => c !== undefined)),
  ];
  const what =
    loop.kind === 'retry'
      ? `\`${loop.spanName}\` failed the same way ${loop.spanIds.length} times in a row (a retry loop)`
      : `\`${loop.spanName}\` ran ${loop.spanIds.length} times with identical input`;
  const failed = loop.failed > 0 ? `; ${loop.failed} of the calls failed (${categories.join(', ')})` : '';
  return {
    type: 'loop',
    category: 'loop',
    severity: 'warning',
    title: `${loop.spanName} repeated ${loop.spanIds.length} times`,
    detail: `${what}${parent ? ` under ${spanRef(parent)}` : ''}${failed}. Spans: ${loop.spanIds.map((id) => `[${id}]`).join(' ')}.`,
    traceId,
    spanIds: loop.spanIds,
    estimatedSavingsUsd: null,
    evidence: {
      kind: loop.kind,
      spanName: loop.spanName,
      repeats: loop.spanIds.length,
      failed: loop.failed,
      failureCategory: categories[0] ?? null,
    },
  };
}

/** A root span failed: the run as a whole failed, not only some step it recovered from. */
export function traceFailed(tree: SpanTree, failures: ReadonlyMap<string, Failure>): boolean {
  return tree.roots.some((root) => failures.has(root.spanId));
}

/** How the trace ended, without naming the cause. */
function outcomeHead(tree: SpanTree, failures: ReadonlyMap<string, Failure>): string {
  if (failures.size === 0) return 'The trace succeeded: no span failed.';
  const failing = count(failures.size, 'span');
  return traceFailed(tree, failures)
    ? `The trace failed (${failing} failed).`
    : `The trace completed, but ${failing} failed along the way and ${failures.size === 1 ? 'was' : 'were'} recovered from.`;
}

/** One sentence on how the trace ended and where the failure started, for the summary. */
export function outcomeSentence(
  tree: SpanTree,
  failures: ReadonlyMap<string, Failure>,
  cause: RootCause | null,
): string {
  if (!cause) return 'The trace succeeded: no span failed.';
  const failing = count(failures.size, 'span');
  const how = `${spanRef(cause.span)} failed with ${cause.failure.category} ("${cause.failure.message}")`;
  return traceFailed(tree, failures)
    ? `The trace failed (${failing} failed); the failure started where ${how}.`
    : `The trace completed but ${failing} failed along the way; the first, ${how}, was recovered from.`;
}

export function analyzeRootCause(trace: TraceData): AnalysisResult {
  const traceId = trace.summary.traceId;
  const tree = new SpanTree(trace.spans);
  const failures = failuresOf(tree.spans);
  const loops = findLoops(tree.spans, failures);
  const cause = findRootCause(tree, failures);
  const findings: Omit<Finding, 'id'>[] = [];
  if (cause) findings.push(rootCauseFinding(traceId, cause, traceFailed(tree, failures)));
  for (const loop of loops) findings.push(loopFinding(traceId, loop, tree, failures));

  const text = [outcomeHead(tree, failures)];
  if (cause) {
    text.push(`Root cause (${cause.failure.category}): ${findings[0]!.detail}`);
    if (!cause.onCriticalPath) text.push('It was not on the critical path: the run did not wait on it.');
  }
  for (const loop of loops) {
    text.push(
      loop.kind === 'retry'
        ? `Retry loop: \`${loop.spanName}\` failed ${loop.spanIds.length} times in a row.`
        : `Loop: \`${loop.spanName}\` ran ${loop.spanIds.length} times with identical input.`,
    );
  }
  return {
    findings: numberFindings('root-cause', findings),
    text: text.join(' '),
    totalEstimatedSavingsUsd: null,
    patterns: [],
  };
}
