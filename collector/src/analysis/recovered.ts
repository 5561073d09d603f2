// The failures a run went on after — retried and succeeded, or carried on with other work — as findings apart
// from the root cause: one per kind of failure (span name, category and signature), with its spans.
import type { Finding, SpanView } from '../contract/index.js';
import { list, quoted } from './format.js';
import type { FailureCause } from './propagation.js';
import type { SpanTree } from './span-tree.js';

interface Group {
  causes: FailureCause[];
  spans: SpanView[];
}

/** Causes of the same kind together, in the order of their first failure. */
function grouped(causes: readonly FailureCause[]): Group[] {
  const groups = new Map<string, Group>();
  for (const cause of causes) {
    const key = JSON.stringify([
      cause.span.name,
      cause.failure.category,
      cause.failure.signature,
      cause.outcome,
    ]);
    const group = groups.get(key) ?? { causes: [], spans: [] };
    group.causes.push(cause);
    group.spans.push(...cause.attempts);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

/** `"name" category ×n`, for each kind: how the text lists recovered failures. */
export function recoveredSentence(causes: readonly FailureCause[]): string {
  return list(
    grouped(causes).map(
      ({ causes: [first], spans }) =>
        `${quoted(first!.span.name)} ${first!.failure.category} ×${spans.length}`,
    ),
  );
}

/** What came after the failures of a group: retries that succeeded, or agents they ended. */
function aftermath(tree: SpanTree, group: Group): string {
  const [first] = group.causes;
  if (first!.outcome === 'ended_agent') {
    const agents = group.causes.map((c) => {
      const agent = [...c.propagatedTo].reverse().find((s) => s.genai?.operation === 'invoke_agent')!;
      return quoted(tree.agentOf(agent) ?? agent.name);
    });
    return `; ${group.spans.length === 1 ? 'it' : 'they'} ended agent ${list([...new Set(agents)])}, whose caller went on`;
  }
  const same = group.causes.filter((c) => c.retriedWithSameInput).length;
  const other = group.causes.filter((c) => c.retriedBy !== null && !c.retriedWithSameInput).length;
  const parts = [
    ...(same > 0 ? [`${same} ${same === 1 ? 'retry' : 'retries'} with the same input succeeded`] : []),
    ...(other > 0 ? [`${other} later ${other === 1 ? 'call' : 'calls'} with other input succeeded`] : []),
  ];
  return parts.length > 0 ? `: ${list(parts)}` : '';
}

export function recoveredFindings(
  traceId: string,
  tree: SpanTree,
  causes: readonly FailureCause[],
): Omit<Finding, 'id'>[] {
  return grouped(causes).map((group) => {
    const { failure, span } = group.causes[0]!;
    const n = group.spans.length;
    return {
      type: 'recovered_failure',
      category: failure.category,
      severity: 'warning',
      title: `Recovered: ${span.name} failed ${times(n)} (${failure.category})`,
      detail:
        `${quoted(span.name)} failed ${times(n)} (${failure.category}: "${failure.message}"), and the run went on ` +
        `after ${n === 1 ? 'it' : 'each'}${aftermath(tree, group)}. Spans: ${group.spans.map((s) => `[${s.spanId}]`).join(' ')}.`,
      traceId,
      spanIds: group.spans.map((s) => s.spanId),
      estimatedSavingsUsd: null,
      evidence: {
        spanName: span.name,
        failures: n,
        retriedWithSameInput: group.causes.filter((c) => c.retriedWithSameInput).length,
        retriedWithOtherInput: group.causes.filter((c) => c.retriedBy !== null && !c.retriedWithSameInput)
          .length,
        endedAgent: group.causes[0]!.outcome === 'ended_agent',
        signature: failure.signature,
        message: failure.message,
      },
    };
  });
}
