// How each failure of a trace went on. A failing span with no failing child is where a failure started (its own
// failure, counted once); a failing span with a failing child failed because of it ("propagated", never counted
// again). Each failure that started is then one that ENDED the trace (its error propagated up to a root), one
// that ended an agent whose caller went on, or one the run recovered from (its parent went on: retried, or carried
// on with other work, and succeeded).
import { callFingerprint, type Failure } from '@beacon/semconv';
import type { SpanView } from '../contract/index.js';
import { failuresOf } from './failures.js';
import { byStart, endNs, type SpanTree } from './span-tree.js';

export type CauseOutcome = 'ended_trace' | 'ended_agent' | 'recovered';

/** Where one failure started: the same call failing the same way, one or more times in a row under one parent. */
export interface FailureCause {
  /** The first failing attempt. */
  span: SpanView;
  failure: Failure;
  /** Every failing attempt, in start order: the same span name and failure signature under one parent, with no
   * successful call of that name between them. */
  attempts: SpanView[];
  outcome: CauseOutcome;
  /** The failing ancestors its error propagated to, nearest first. */
  propagatedTo: SpanView[];
  /** The later call of the same name under the same parent that succeeded (a retry), if any. */
  retriedBy: SpanView | null;
  /** The retry sent the same input (tool arguments, model input) as the first attempt. */
  retriedWithSameInput: boolean;
}

export interface TraceFailures {
  /** Every failing span → its failure, from its own status. */
  all: ReadonlyMap<string, Failure>;
  /** Failing spans without a failing child: where failures started. Each failure is counted once, here. */
  own: ReadonlyMap<string, Failure>;
  /** Failing spans that failed because a child failed → the failing child that ended last (what it passed on). */
  propagated: ReadonlyMap<string, SpanView>;
  /** In start order of their first attempt. */
  causes: FailureCause[];
  /**
   * The root cause: the failure that ended the trace (the last, if several did); else the last that ended an
   * agent; else, when the run recovered from everything, the first failure (where the trouble started).
   */
  primary: FailureCause | null;
  /** A root span failed: the run as a whole failed. */
  traceFailed: boolean;
}

const isAgent = (span: SpanView) => span.genai?.operation === 'invoke_agent';

/** True when a ended after b; at equal ends, the one that started later ended later (it was the shorter). */
function endedLater(a: SpanView, b: SpanView): boolean {
  const d = endNs(a) - endNs(b);
  return d !== 0n ? d > 0n : byStart(a, b) > 0;
}

/** Groups the own failures among one parent's children (in start order) into runs of attempts of one call. */
function runsAmong(
  siblings: readonly SpanView[],
  all: ReadonlyMap<string, Failure>,
  own: ReadonlyMap<string, Failure>,
): Pick<FailureCause, 'span' | 'failure' | 'attempts' | 'retriedBy'>[] {
  const runs: Pick<FailureCause, 'span' | 'failure' | 'attempts' | 'retriedBy'>[] = [];
  const open = new Map<string, (typeof runs)[number]>();
  for (const span of siblings) {
    const failure = own.get(span.spanId);
    const run = open.get(span.name);
    if (failure) {
      if (run && run.failure.signature === failure.signature) run.attempts.push(span);
      else {
        const fresh = { span, failure, attempts: [span], retriedBy: null };
        runs.push(fresh);
        open.set(span.name, fresh);
      }
    } else if (!all.has(span.spanId) && run) {
      run.retriedBy = span;
      open.delete(span.name);
    }
  }
  return runs;
}

export function analyzeFailures(tree: SpanTree, all = failuresOf(tree.spans)): TraceFailures {
  const failingChildren = (span: SpanView) => tree.children(span).filter((c) => all.has(c.spanId));
  const own = new Map<string, Failure>();
  const propagated = new Map<string, SpanView>();
  for (const span of tree.spans) {
    const failure = all.get(span.spanId);
    if (!failure) continue;
    const children = failingChildren(span);
    if (children.length === 0) own.set(span.spanId, failure);
    else
      propagated.set(
        span.spanId,
        children.reduce((a, b) => (endedLater(b, a) ? b : a)),
      );
  }

  const parents = new Map<string, readonly SpanView[]>();
  for (const spanId of own.keys()) {
    const parent = tree.parent(tree.get(spanId)!);
    const key = parent?.spanId ?? '';
    if (!parents.has(key)) parents.set(key, parent ? tree.children(parent) : tree.roots);
  }
  const causes: FailureCause[] = [];
  for (const siblings of parents.values()) {
    for (const run of runsAmong(siblings, all, own)) {
      // Up from the last attempt while each failing parent failed because of the child we came from.
      const propagatedTo: SpanView[] = [];
      let current = run.attempts.at(-1)!;
      for (let p = tree.parent(current); p && propagated.get(p.spanId) === current; p = tree.parent(p)) {
        if (propagatedTo.includes(p)) break;
        propagatedTo.push(p);
        current = p;
      }
      // Ended the trace: it reached a root. Ended an agent: it reached an invoke_agent span whose caller went on.
      const top = propagatedTo.at(-1) ?? current;
      const outcome: CauseOutcome = !tree.parent(top)
        ? 'ended_trace'
        : propagatedTo.some(isAgent)
          ? 'ended_agent'
          : 'recovered';
      const retriedWithSameInput =
        run.retriedBy !== null &&
        callFingerprint(run.retriedBy.genai) !== null &&
        callFingerprint(run.retriedBy.genai) === callFingerprint(run.span.genai);
      causes.push({ ...run, outcome, propagatedTo, retriedWithSameInput });
    }
  }
  causes.sort((a, b) => byStart(a.span, b.span));

  const lastEnding = (list: FailureCause[]) =>
    list.reduce<FailureCause | null>(
      (best, c) => (best === null || endedLater(c.attempts.at(-1)!, best.attempts.at(-1)!) ? c : best),
      null,
    );
  const primary =
    lastEnding(causes.filter((c) => c.outcome === 'ended_trace')) ??
    lastEnding(causes.filter((c) => c.outcome === 'ended_agent')) ??
    causes[0] ??
    null;
  return {
    all,
    own,
    propagated,
    causes,
    primary,
    traceFailed: tree.roots.some((root) => all.has(root.spanId)),
  };
}

/** Own failures that are not part of a cause that ended the trace: the ones the run went on after. */
export function recoveredCount(failures: TraceFailures): number {
  return failures.causes
    .filter((c) => c.outcome !== 'ended_trace')
    .reduce((n, c) => n + c.attempts.length, 0);
}
