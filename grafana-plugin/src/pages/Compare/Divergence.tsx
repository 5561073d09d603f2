// The comparison in a sentence: the runs match step for step, or where they first diverge and how much in all.
import type { StepAlignment } from '@beacon/collector/api-contract';
import { Alert } from '@grafana/ui';
import { type AlignedRow, describeStep, isDivergent } from '../../utils/compare';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function Divergence({ alignment, rows }: { alignment: StepAlignment; rows: readonly AlignedRow[] }) {
  const first = rows.findIndex(isDivergent);
  if (first < 0) {
    return (
      <Alert severity="success" title="Same structure">
        The two runs match step for step: the same {plural(alignment.steps.length, 'step')} in the same order.
      </Alert>
    );
  }
  const row = rows[first]!;
  const stepA = row.a === null ? null : alignment.baselineSteps[row.a]!;
  const stepB = row.b === null ? null : alignment.steps[row.b]!;
  // Numbered as the compare analysis numbers it: B's step (for a step only A ran, where B's would have been).
  const step = (row.b ?? alignment.edits[0]?.step ?? first) + 1;
  const then =
    stepA && stepB
      ? `A runs ${describeStep(stepA.label)}, B runs ${describeStep(stepB.label)}`
      : stepA
        ? `A runs ${describeStep(stepA.label)}, which B does not`
        : `B runs ${describeStep(stepB!.label)}, which A does not`;
  const tally = (kind: AlignedRow['kind']) => rows.filter((r) => r.kind === kind).length;
  const totals = alignment.exact
    ? ` In all: ${tally('changed')} changed, ${tally('removed')} only in A, ${tally('added')} only in B, of ` +
      `${alignment.baselineSteps.length} steps in A and ${alignment.steps.length} in B.`
    : ' After it the runs differ too much to align step by step.';
  return (
    <Alert severity="info" title={`Structure diverges at step ${step}`}>
      The first {plural(first, 'step')} match. Then {then}.{totals}
    </Alert>
  );
}
