// Two traces side by side: metric deltas (duration, cost, tokens, spans, errors) and the first step where their
// structure — the sequence of span kinds and names in start order — diverges.
import type { TraceDetailResponse } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, EmptyState, Field, Input, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useBeaconClient, usePaths } from '../../api/context';
import { ErrorAlert } from '../../components/common/ErrorAlert';
import { Page } from '../../components/Page/Page';
import { useAsync } from '../../hooks/useAsync';
import { compareMetrics, type Divergence, firstDivergence, type MetricRow } from '../../utils/compare';
import { formatCost, formatDuration, formatTokens, shortId } from '../../utils/format';

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
  const pct = row.ratio !== null ? ` (${sign}${Math.abs(row.ratio * 100).toFixed(0)}%)` : '';
  return `${sign}${abs}${pct}`;
}

function Metrics({ a, b }: { a: TraceDetailResponse; b: TraceDetailResponse }) {
  const styles = useStyles2(getStyles);
  const rows = compareMetrics(a, b);
  return (
    <table className={styles.table} data-testid="compare-metrics">
      <thead>
        <tr>
          <th>Metric</th>
          <th className={styles.num}>A</th>
          <th className={styles.num}>B</th>
          <th className={styles.num}>B − A</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} data-testid={`metric-${row.key}`}>
            <td>{row.label}</td>
            <td className={styles.num}>{formatValue(row.unit, row.a)}</td>
            <td className={styles.num}>{formatValue(row.unit, row.b)}</td>
            <td
              className={cx(
                styles.num,
                COSTLY.has(row.key) && row.delta !== null && row.delta > 0 && styles.worse,
                COSTLY.has(row.key) && row.delta !== null && row.delta < 0 && styles.better,
              )}
              data-testid="delta"
            >
              {formatDelta(row)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Structure({ divergence, ids }: { divergence: Divergence; ids: [string, string] }) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  const { index, a, b } = divergence;
  if (index === null) {
    return (
      <Alert severity="success" title="Same structure" data-testid="divergence">
        Both traces ran the same {a.length} steps (span kinds and names) in the same order.
      </Alert>
    );
  }
  const from = Math.max(0, index - 2);
  const to = Math.max(index + 6, from + 8);
  const side = (steps: typeof a, traceId: string, label: string) => (
    <div>
      <Text element="h4" variant="h6">
        {label} <code>{shortId(traceId)}</code>
      </Text>
      <ol start={from + 1} className={styles.steps}>
        {steps.slice(from, to).map((step, i) => (
          <li
            key={step.span.spanId}
            className={cx(from + i === index && styles.diverged, from + i < index && styles.same)}
            data-testid={from + i === index ? 'diverging-step' : undefined}
          >
            <Link to={paths.trace(traceId, step.span.spanId)}>
              <span className={styles.kind}>{step.kind}</span> {step.name}
            </Link>
          </li>
        ))}
        {steps.length <= index && <li className={styles.diverged}>(trace ends)</li>}
      </ol>
    </div>
  );
  const sa = a[index];
  const sb = b[index];
  return (
    <div data-testid="divergence">
      <Alert severity="info" title={`Structure diverges at step ${index + 1}`}>
        The first {index} step{index === 1 ? '' : 's'} match. Then A{' '}
        {sa ? `runs ${sa.kind} “${sa.name}”` : 'ends'}
        {', '}B {sb ? `runs ${sb.kind} “${sb.name}”` : 'ends'}.
      </Alert>
      <div className={styles.sides}>
        {side(a, ids[0], 'A')}
        {side(b, ids[1], 'B')}
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

  const state = useAsync<[TraceDetailResponse, TraceDetailResponse] | null>(
    async (signal) => {
      if (!a || !b) return null;
      const [da, db] = await Promise.allSettled([
        client.getTrace(a, { signal }),
        client.getTrace(b, { signal }),
      ]);
      if (da.status === 'rejected') throw new Error(`Trace A (${a}): ${(da.reason as Error).message}`);
      if (db.status === 'rejected') throw new Error(`Trace B (${b}): ${(db.reason as Error).message}`);
      return [da.value, db.value];
    },
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

      {state.status === 'loading' && <LoadingPlaceholder text="Loading both traces…" />}
      {state.status === 'error' && <ErrorAlert title="Could not load the traces" error={state.error} />}
      {state.status === 'success' && state.value === null && (
        <EmptyState variant="call-to-action" message="Enter two trace ids to compare">
          <Text element="p">Or tick two traces in the Traces list and press “Compare selected”.</Text>
        </EmptyState>
      )}
      {state.status === 'success' && state.value !== null && (
        <div className={styles.result}>
          <Metrics a={state.value[0]} b={state.value[1]} />
          <Structure divergence={firstDivergence(state.value[0].spans, state.value[1].spans)} ids={[a, b]} />
        </div>
      )}
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
  table: css({
    borderCollapse: 'collapse',
    minWidth: 480,
    'th, td': {
      padding: theme.spacing(0.5, 1.5),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  num: css({
    textAlign: 'right !important' as 'right',
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
  }),
  worse: css({
    color: theme.colors.warning.text,
  }),
  better: css({
    color: theme.colors.success.text,
  }),
  sides: css({
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  }),
  steps: css({
    margin: 0,
    paddingLeft: theme.spacing(4),
    li: { padding: theme.spacing(0.25, 0.5) },
  }),
  same: css({
    color: theme.colors.text.secondary,
  }),
  diverged: css({
    background: theme.colors.warning.transparent,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  kind: css({
    display: 'inline-block',
    minWidth: 64,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    textTransform: 'uppercase',
  }),
});
