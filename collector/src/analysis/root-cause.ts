// root-cause: the failure that ENDED the trace (or an agent) and what fed it; apart from it, the failures the run
// recovered from (retried, or carried on after); and loops, which are warnings, not failures.
import type { Finding, SpanView } from '../contract/index.js';
import { findLoops, isInference, isToolCall, loopFinding } from './failures.js';
import { count, list, numberFindings, quoted, spanRef } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { analyzeFailures, type FailureCause, recoveredCount, type TraceFailures } from './propagation.js';
import { recoveredFindings, recoveredSentence } from './recovered.js';
import { byStart, endNs, SpanTree, startNs } from './span-tree.js';

export interface RootCause {
  cause: FailureCause;
  span: SpanView;
  onCriticalPath: boolean;
  /** The model call whose tool call invoked the failing tool span. */
  source: SpanView | null;
  /** The sibling that finished last before the failing span started: the step whose output it ran on. */
  previous: SpanView | null;
  parent: SpanView | null;
  /** What fed the failing span, most direct first: source, previous, parent (each once). */
  fedBy: SpanView[];
}

/**
 * The root cause (TraceFailures.primary: the failure that ended the trace, else the last that ended an agent, else
 * the first the run recovered from) and what fed it.
 */
export function findRootCause(tree: SpanTree, failures: TraceFailures): RootCause | null {
  const cause = failures.primary;
  if (!cause) return null;
  const { span } = cause;
  const source = isToolCall(span) ? toolCallSource(tree, span) : null;
  const previous = previousSibling(tree, span);
  const parent = tree.parent(span) ?? null;
  return {
    cause,
    span,
    onCriticalPath: tree.criticalPath().has(span.spanId),
    source,
    previous,
    parent,
    fedBy: [...new Set([source, previous, parent].filter((s): s is SpanView => s !== null))],
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

/** How the failure went on, in one sentence. */
function outcomeOf(tree: SpanTree, cause: FailureCause): string {
  const through =
    cause.propagatedTo.length > 0 ? `The error propagated to ${list(cause.propagatedTo.map(spanRef))}: ` : '';
  if (cause.outcome === 'ended_trace')
    return through ? `${through}it ended the trace.` : 'It ended the trace.';
  if (cause.outcome === 'ended_agent') {
    const agent = [...cause.propagatedTo].reverse().find((s) => s.genai?.operation === 'invoke_agent');
    return `${through}it ended agent ${quoted(tree.agentOf(agent!) ?? agent!.name)}, and the run went on.`;
  }
  const retry = cause.retriedBy
    ? `: ${spanRef(cause.retriedBy)} ${cause.retriedWithSameInput ? 'retried it with the same input' : 'tried again'} and succeeded`
    : '';
  return `The run went on after it${retry}.`;
}

function rootCauseFinding(
  traceId: string,
  tree: SpanTree,
  root: RootCause,
  failures: TraceFailures,
): Omit<Finding, 'id'> {
  const { span, cause } = root;
  const { failure } = cause;
  const sentences = [`${spanRef(span)} failed (${failure.category}): "${failure.message}".`];
  if (cause.attempts.length > 1) {
    sentences.push(
      `It failed the same way ${cause.attempts.length} times in a row: ${cause.attempts.map((s) => `[${s.spanId}]`).join(' ')}.`,
    );
  }
  // Only a model call that really asked for this tool call is named as its source; otherwise it is just a step.
  const source = root.source;
  if (source) {
    sentences.push(
      askedFor(source, span)
        ? `The model call ${spanRef(source)} asked for this tool call.`
        : `The last model call before it was ${spanRef(source)}.`,
    );
  }
  const previous = root.previous && root.previous !== source ? root.previous : null;
  if (root.parent || previous) {
    sentences.push(
      `It ran${root.parent ? ` under ${spanRef(root.parent)}` : ''}${root.parent && previous ? ',' : ''}` +
        `${previous ? ` right after ${spanRef(previous)}` : ''}.`,
    );
  }
  sentences.push(outcomeOf(tree, cause));
  const first = failures.causes[0]!;
  if (first !== cause) {
    sentences.push(
      `It was not the first failure: ${spanRef(first.span)} failed earlier (${first.failure.category}), and the run went on after it.`,
    );
  }
  return {
    type: 'root_cause',
    category: failure.category,
    severity: failures.traceFailed ? 'critical' : 'warning',
    title: `${span.name} failed: ${failure.category}`,
    detail: sentences.join(' '),
    traceId,
    spanIds: [span.spanId, ...root.fedBy.map((s) => s.spanId)],
    estimatedSavingsUsd: null,
    evidence: {
      spanName: span.name,
      message: failure.message,
      signature: failure.signature,
      onCriticalPath: root.onCriticalPath,
      propagatedTo: cause.propagatedTo.length,
      traceFailed: failures.traceFailed,
      outcome: cause.outcome,
      attempts: cause.attempts.length,
    },
  };
}

/** How the trace ended and how many failures it had (each once; propagated ones apart), without the cause. */
function outcomeHead(failures: TraceFailures): string {
  const own = failures.own.size;
  if (own === 0) return 'The trace succeeded: no span failed.';
  const passed = failures.propagated.size;
  const propagated =
    passed > 0
      ? `; ${count(passed, 'more span')} failed only because a child failed (propagated, not counted again)`
      : '';
  return failures.traceFailed
    ? `The trace failed, with ${count(own, 'failure')}${propagated}.`
    : `The trace completed, but ${count(own, 'span')} failed along the way and ${own === 1 ? 'was' : 'were'} ` +
        `recovered from${propagated}.`;
}

/** One sentence on how the trace ended and the failure that ended it, for the summary. */
export function outcomeSentence(tree: SpanTree, failures: TraceFailures): string {
  const cause = failures.primary;
  if (!cause) return 'The trace succeeded: no span failed.';
  const agent = tree.agentOf(cause.span);
  const how =
    `${spanRef(cause.span)}${agent ? ` in agent ${quoted(agent)}` : ''} failed with ${cause.failure.category} ` +
    `("${cause.failure.message}")`;
  const others = failures.causes.filter((c) => c !== cause);
  const otherCount = others.reduce((n, c) => n + c.attempts.length, 0);
  const rest =
    otherCount > 0
      ? ` ${count(otherCount, 'other failure')} ${otherCount === 1 ? 'was' : 'were'} recovered from (${recoveredSentence(others)}).`
      : '';
  if (cause.outcome === 'ended_trace') return `The trace failed: ${how} and ended the run.${rest}`;
  if (cause.outcome === 'ended_agent')
    return `The trace completed, but ${how} and ended that agent; the run went on.${rest}`;
  return (
    `The trace completed but ${count(recoveredCount(failures), 'span')} failed along the way; the first, ${how}, ` +
    'was recovered from.'
  );
}

export function analyzeRootCause(trace: TraceData): AnalysisResult {
  const traceId = trace.summary.traceId;
  const tree = new SpanTree(trace.spans);
  const failures = analyzeFailures(tree);
  const loops = findLoops(tree.spans, failures.all);
  const root = findRootCause(tree, failures);
  const recovered = failures.causes.filter((c) => c !== root?.cause);
  const findings: Omit<Finding, 'id'>[] = [];
  if (root) findings.push(rootCauseFinding(traceId, tree, root, failures));
  findings.push(...recoveredFindings(traceId, tree, recovered));
  for (const loop of loops) findings.push(loopFinding(traceId, loop, tree, failures.all));

  const text = [outcomeHead(failures)];
  if (root) {
    text.push(`Root cause (${root.cause.failure.category}): ${findings[0]!.detail}`);
    if (!root.onCriticalPath) text.push('It was not on the critical path: the run did not wait on it.');
  }
  if (recovered.length > 0)
    text.push(`Recovered failures (the run went on after them): ${recoveredSentence(recovered)}.`);
  if (loops.length > 0) {
    const named = loops.map((l) =>
      l.kind === 'retry'
        ? `${quoted(l.spanName)} failed ${l.spanIds.length} times in a row`
        : `${quoted(l.spanName)} ran ${l.spanIds.length} times with identical input`,
    );
    text.push(`Warnings (loops, not failures): ${list(named)}.`);
  }
  return {
    findings: numberFindings('root-cause', findings),
    text: text.join(' '),
    totalEstimatedSavingsUsd: null,
    patterns: [],
  };
}
