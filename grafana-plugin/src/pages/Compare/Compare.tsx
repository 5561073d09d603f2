// Two traces side by side: metric deltas (duration, cost, tokens, spans, errors), where their steps diverge (the
// collector's compare aligns them: spans in tree order, by edit distance), both runs' steps as two synchronized
// timelines with the divergences marked, and a diff of what aligned model and tool calls answered.
import type { StepAlignment, TraceSummary } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, EmptyState, Field, Input, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { BeaconClient } from '../../api/client';
import { useBeaconClient } from '../../api/context';
import { CompareTimelines } from '../../components/CompareTimelines/CompareTimelines';
import { ErrorAlert } from '../../components/common/ErrorAlert';
import { Page } from '../../components/Page/Page';
import { useAsync } from '../../hooks/useAsync';
import { alignedRows, compareMetrics, compareSide, type MetricRow } from '../../utils/compare';
import { formatCost, formatDuration, formatTokens } from '../../utils/format';
import { Divergence } from './Divergence';

/** Metrics where more is worse (coloured); span and call counts are only different. */
const COSTLY = new Set(['duration', 'cost', 'tokens', 'inputTokens', 'outputTokens', 'errors']);

function formatValue(unit: MetricRow['unit'], value: number | null): string {
  if (value === null) return '–';
  switch (unit) {
    case 'ms':
      return formatDuration(value);
    case 'usd':
      return formatCost(value);
    case 'tokens':
      return formatTokens(value);
    default:
      return String(value);
  }
}

function formatDelta(row: MetricRow): string {
  if (row.delta === null) return '–';
  if (row.delta === 0) return '±0';
  const sign = row.delta > 0 ? '+' : '−';
  const abs = formatValue(row.unit, Math.abs(row.delta));
  const percent = row.ratio === null ? null : Math.abs(row.ratio * 100);
  // A change too small to round to 1% still reads as one, never as "−0%".
  const pct = percent === null ? '' : percent < 0.5 ? ' (under 1%)' : ` (${sign}${percent.toFixed(0)}%)`;
  return `${sign}${abs}${pct}`;
}

/** One card per metric, in a row: the page's room goes to the steps below. */
function Metrics({ a, b }: { a: TraceSummary; b: TraceSummary }) {
  const styles = useStyles2(getStyles);
  const rows = compareMetrics(a, b);
  return (
    <dl className={styles.metrics} data-testid="compare-metrics" aria-label="Metrics, A → B">
      {rows.map((row) => (
        <div key={row.key} className={styles.metric} data-testid={`metric-${row.key}`}>
          <dt className={styles.metricLabel}>{row.label}</dt>
          <dd className={styles.metricValues}>
            {formatValue(row.unit, row.a)} → {formatValue(row.unit, row.b)}
          </dd>
          <dd
            className={cx(
              styles.num,
              COSTLY.has(row.key) && row.delta !== null && row.delta > 0 && styles.worse,
              COSTLY.has(row.key) && row.delta !== null && row.delta < 0 && styles.better,
            )}
            data-testid="delta"
          >
            {formatDelta(row)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** What the collector said, as the user reads it: which trace is missing ("Trace B (…): not found"). */
function explain(err: unknown, a: string, b: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  const field = /^(traceId|baselineTraceId): (?:trace \S+ )?(.*)$/.exec(message);
  if (!field) return new Error(`Comparison: ${message}`);
  const [label, id] = field[1] === 'traceId' ? ['B', b] : ['A', a];
  return new Error(`Trace ${label} (${id}): ${field[2]}`);
}

/** The collector's comparison of B against A with both runs' steps: one request, no trace detail (at 10,000 spans
 * a trace's detail is tens of MB of messages the comparison does not need). */
async function loadComparison(
  client: BeaconClient,
  a: string,
  b: string,
  signal: AbortSignal,
): Promise<StepAlignment> {
  const request = { traceId: b, baselineTraceId: a, refine: false, alignment: true };
  const answer = await client.analyze('compare', request, { signal }).catch((err: unknown) => {
    throw explain(err, a, b);
  });
  if (!answer.alignment)
    throw new Error('Comparison: the collector answered no alignment (is it older than this UI?)');
  return answer.alignment;
}

function Result({ alignment }: { alignment: StepAlignment }) {
  const styles = useStyles2(getStyles);
  const rows = useMemo(() => alignedRows(alignment), [alignment]);
  const sides = useMemo(
    () => [
      compareSide(alignment.baselineTrace, alignment.baselineSteps),
      compareSide(alignment.trace, alignment.steps),
    ],
    [alignment],
  );
  return (
    <div className={styles.result}>
      <Metrics a={alignment.baselineTrace} b={alignment.trace} />
      <div className={styles.steps} data-testid="divergence">
        <Divergence alignment={alignment} rows={rows} />
        {rows.length > 0 && <CompareTimelines alignment={alignment} a={sides[0]!} b={sides[1]!} />}
      </div>
    </div>
  );
}

export function ComparePage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const [params, setParams] = useSearchParams();
  const a = params.get('a')?.trim() ?? '';
  const b = params.get('b')?.trim() ?? '';
  const [draft, setDraft] = useState({ a, b });
  useEffect(() => setDraft({ a, b }), [a, b]);

  const state = useAsync<StepAlignment | null>(
    (signal) => (a && b ? loadComparison(client, a, b, signal) : Promise.resolve(null)),
    [client, a, b],
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draft.a.trim()) next.set('a', draft.a.trim());
    if (draft.b.trim()) next.set('b', draft.b.trim());
    setParams(next);
  };

  return (
    <Page
      title="Compare traces"
      inNav
      subTitle="Two runs side by side: what changed, and where they went different ways"
    >
      <form className={styles.form} onSubmit={onSubmit} aria-label="Traces to compare">
        <Field label="Trace A" className={styles.field}>
          <Input
            id="beacon-compare-a"
            width={40}
            value={draft.a}
            placeholder="trace id"
            onChange={(e) => {
              const a = e.currentTarget.value;
              setDraft((d) => ({ ...d, a }));
            }}
          />
        </Field>
        <Field label="Trace B" className={styles.field}>
          <Input
            id="beacon-compare-b"
            width={40}
            value={draft.b}
            placeholder="trace id"
            onChange={(e) => {
              const b = e.currentTarget.value;
              setDraft((d) => ({ ...d, b }));
            }}
          />
        </Field>
        <Button type="submit" icon="code-branch" disabled={!draft.a.trim() || !draft.b.trim()}>
          Compare
        </Button>
      </form>

      {state.status === 'loading' && (
        <LoadingPlaceholder text="Loading both traces and aligning their steps…" />
      )}
      {state.status === 'error' && <ErrorAlert title="Could not load the traces" error={state.error} />}
      {state.status === 'success' && state.value === null && (
        <EmptyState variant="call-to-action" message="Enter two trace ids to compare">
          <Text element="p">Or tick two traces in the Traces list and press “Compare selected”.</Text>
        </EmptyState>
      )}
      {state.status === 'success' && state.value !== null && <Result alignment={state.value} />}
    </Page>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({
    display: 'flex',
    alignItems: 'flex-end',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
  field: css({
    marginBottom: 0,
  }),
  result: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(3),
  }),
  metrics: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
    gap: theme.spacing(1),
    margin: 0,
  }),
  metric: css({
    padding: theme.spacing(0.75, 1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    dd: { margin: 0 },
  }),
  metricLabel: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  metricValues: css({
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
  }),
  steps: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  num: css({
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
  }),
  worse: css({
    color: theme.colors.warning.text,
  }),
  better: css({
    color: theme.colors.success.text,
  }),
});
