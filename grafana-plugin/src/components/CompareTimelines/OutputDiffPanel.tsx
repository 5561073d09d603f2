// What the two runs' calls answered at one aligned row: a word diff of the outputs of two model calls (or of two
// tool calls' results), or a plain statement that they are identical.
import type { SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Text, useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';
import { type AlignedRow, type CompareSide, diffOutputs, outputText } from '../../utils/compare';
import { DiffView } from '../Replay/DiffView';

export interface OutputDiffPanelProps {
  row: AlignedRow;
  a: CompareSide;
  b: CompareSide;
}

const spanAt = (side: CompareSide, index: number | null): SpanView | undefined =>
  index === null ? undefined : side.spans.get(side.steps[index]!.spanId);

const stepName = (side: CompareSide, index: number | null, run: string) =>
  index === null ? `no step in ${run}` : `${run} step ${index + 1}: ${side.steps[index]!.label}`;

export function OutputDiffPanel({ row, a, b }: OutputDiffPanelProps) {
  const styles = useStyles2(getStyles);
  const sa = spanAt(a, row.a);
  const sb = spanAt(b, row.b);
  const outputA = sa ? outputText(sa) : null;
  const outputB = sb ? outputText(sb) : null;
  const diff = useMemo(
    () => (outputA !== null && outputB !== null ? diffOutputs(outputA, outputB) : null),
    [outputA, outputB],
  );
  const body = () => {
    if (row.a === null || row.b === null)
      return (
        <Text element="p" color="secondary">
          Only {row.a === null ? 'B' : 'A'} ran this step, so there is no output to compare with.
        </Text>
      );
    if (!sa || !sb)
      return (
        <Text element="p" color="secondary">
          The trace view left this span out (the trace is over its size limit): export the trace to see it.
        </Text>
      );
    if (outputA === null || outputB === null)
      return (
        <Text element="p" color="secondary">
          Not a pair of model or tool calls: no outputs to compare.
        </Text>
      );
    if (diff === null)
      return (
        <Alert severity="success" title="The outputs are identical" data-testid="outputs-identical">
          {outputA === ''
            ? 'Both calls answered nothing.'
            : `Both calls answered the same ${outputA.length} characters.`}
        </Alert>
      );
    return (
      <DiffView
        ops={diff.ops}
        label={`Output, A → B${diff.granularity === 'lines' ? ' (by line: too different to diff by word)' : ''}`}
        testId="output-diff"
      />
    );
  };
  return (
    <section className={styles.panel} aria-label="Output of the selected step" data-testid="output-panel">
      <Text element="h4" variant="h6">
        {stepName(a, row.a, 'A')} ↔ {stepName(b, row.b, 'B')}
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
