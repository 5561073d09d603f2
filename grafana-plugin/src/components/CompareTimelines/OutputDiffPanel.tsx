// What the two runs' calls did at one aligned row: a word diff of the outputs of two model calls (or of two tool
// calls' results, and their arguments), or a plain statement that they are identical.
import type { AlignedStep } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Text, useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';
import { type AlignedRow, type CompareSide, diffOutputs } from '../../utils/compare';
import { DiffView } from '../Replay/DiffView';

export interface OutputDiffPanelProps {
  row: AlignedRow;
  a: CompareSide;
  b: CompareSide;
}

const stepAt = (side: CompareSide, index: number | null): AlignedStep | undefined =>
  index === null ? undefined : side.steps[index];

const stepName = (step: AlignedStep | undefined, index: number | null, run: string) =>
  step === undefined || index === null ? `no step in ${run}` : `${run} step ${index + 1}: ${step.label}`;

/** One text of both calls (output or arguments): identical, or its diff. */
function TextDiff({ what, a, b, testId }: { what: string; a: string; b: string; testId: string }) {
  const diff = useMemo(() => diffOutputs(a, b), [a, b]);
  if (diff === null)
    return (
      <Alert severity="success" title={`The ${what}s are identical`} data-testid={`${testId}-identical`}>
        {a === ''
          ? 'Both are empty.'
          : `Both calls have the same ${a.length.toLocaleString('en')} characters.`}
      </Alert>
    );
  return (
    <DiffView
      ops={diff.ops}
      label={`${what[0]!.toUpperCase()}${what.slice(1)}, A → B${diff.granularity === 'lines' ? ' (by line: too different to diff by word)' : ''}`}
      testId={`${testId}-diff`}
    />
  );
}

export function OutputDiffPanel({ row, a, b }: OutputDiffPanelProps) {
  const styles = useStyles2(getStyles);
  const sa = stepAt(a, row.a);
  const sb = stepAt(b, row.b);
  const body = () => {
    if (!sa || !sb)
      return (
        <Text element="p" color="secondary">
          Only {sa ? 'A' : 'B'} ran this step, so there is nothing to compare it with.
        </Text>
      );
    if (sa.output === null || sb.output === null)
      return (
        <Text element="p" color="secondary">
          Not a pair of model or tool calls: no outputs to compare.
        </Text>
      );
    return (
      <>
        <TextDiff what="output" a={sa.output} b={sb.output} testId="output" />
        {sa.arguments !== null && sb.arguments !== null && (
          <TextDiff what="argument" a={sa.arguments} b={sb.arguments} testId="arguments" />
        )}
      </>
    );
  };
  return (
    <section className={styles.panel} aria-label="Output of the selected step" data-testid="output-panel">
      <Text element="h4" variant="h6">
        {stepName(sa, row.a, 'A')} ↔ {stepName(sb, row.b, 'B')}
      </Text>
      {body()}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
});
