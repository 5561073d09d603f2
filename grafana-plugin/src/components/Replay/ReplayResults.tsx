// What a replay produced: the original and new completions side by side (text streaming in while the call
// runs), the word diff, tokens / cost / latency of each with the difference, and links to the replay traces.
// In A/B mode the two new completions sit side by side with a diff between them.
import type { ReplayCallView, ReplayResult } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Spinner, Text, useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { formatCost, formatDuration, formatTokens } from '../../utils/format';
import { ErrorAlert } from '../common/ErrorAlert';
import { DiffView, wordDiff } from './DiffView';

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; text: string }
  | { status: 'success'; text: string; result: ReplayResult }
  | { status: 'error'; text: string; error: Error };

interface Metric {
  label: string;
  value: (call: ReplayCallView) => number | null;
  format: (value: number | null) => string;
}

const signed = (format: (v: number) => string) => (delta: number) =>
  delta === 0 ? '±0' : `${delta > 0 ? '+' : '−'}${format(Math.abs(delta))}`;

const METRICS: (Metric & { delta: (d: number) => string })[] = [
  {
    label: 'Input tokens',
    value: (c) => c.usage.inputTokens,
    format: formatTokens,
    delta: signed((v) => formatTokens(v)),
  },
  {
    label: 'Output tokens',
    value: (c) => c.usage.outputTokens,
    format: formatTokens,
    delta: signed((v) => formatTokens(v)),
  },
  { label: 'Cost', value: (c) => c.costUsd, format: formatCost, delta: signed((v) => formatCost(v)) },
  {
    label: 'Latency',
    value: (c) => c.durationMs,
    format: formatDuration,
    delta: signed((v) => formatDuration(v)),
  },
];

function deltaText(metric: (typeof METRICS)[number], base: ReplayCallView, call: ReplayCallView): string {
  const a = metric.value(base);
  const b = metric.value(call);
  return a === null || b === null ? '–' : metric.delta(b - a);
}

/** Tokens, cost and latency of the original and each replay; every replay column shows its change. */
function StatsTable({
  original,
  calls,
}: {
  original: ReplayCallView;
  calls: { name: string; call: ReplayCallView }[];
}) {
  const styles = useStyles2(getStyles);
  return (
    <table className={styles.stats} data-testid="replay-stats">
      <thead>
        <tr>
          <th />
          <th>Original</th>
          {calls.map(({ name }) => (
            <th key={name}>{name}</th>
          ))}
          {calls.length === 1 && <th>Change</th>}
        </tr>
      </thead>
      <tbody>
        {METRICS.map((metric) => (
          <tr key={metric.label} data-metric={metric.label}>
            <th scope="row">{metric.label}</th>
            <td>{metric.format(metric.value(original))}</td>
            {calls.map(({ name, call }) => (
              <td key={name}>
                {metric.format(metric.value(call))}
                {calls.length > 1 && (
                  <span className={styles.muted}> ({deltaText(metric, original, call)})</span>
                )}
              </td>
            ))}
            {calls.length === 1 && <td data-testid="delta">{deltaText(metric, original, calls[0]!.call)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Completion({
  title,
  model,
  text,
  running,
  testId,
}: {
  title: string;
  model: string | null;
  text: string;
  running?: boolean;
  testId: string;
}) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.completion} aria-label={title} data-testid={testId}>
      <div className={styles.completionHeader}>
        <Text element="h5" variant="h6">
          {title}
        </Text>
        {model && <Badge text={model} color="blue" />}
        {running && (
          <span className={styles.muted}>
            <Spinner inline size="sm" /> streaming…
          </span>
        )}
      </div>
      <div
        className={cx(styles.text, running && styles.streaming)}
        data-testid={`${testId}-text`}
        aria-live="polite"
      >
        {text || (running ? '' : '(empty)')}
      </div>
    </section>
  );
}

function TraceLink({ call, children }: { call: ReplayCallView; children: string }) {
  const paths = usePaths();
  return (
    <Link to={paths.trace(call.traceId, call.spanId)} data-testid="replay-trace-link">
      {children}
    </Link>
  );
}

export interface SingleResultProps {
  run: RunState;
  /** The span's completion, shown before the collector answers with its own view of it. */
  originalText: string;
  originalModel: string | null;
}

export function SingleResult({ run, originalText, originalModel }: SingleResultProps) {
  const styles = useStyles2(getStyles);
  if (run.status === 'idle') return null;
  const result = run.status === 'success' ? run.result : null;
  return (
    <div className={styles.results} data-testid="replay-result">
      {run.status === 'error' && <ErrorAlert title="The replay failed" error={run.error} />}
      <div className={styles.columns}>
        <Completion
          title="Original completion"
          model={result?.original.model ?? originalModel}
          text={result?.original.output ?? originalText}
          testId="original-completion"
        />
        <Completion
          title="New completion"
          model={result?.replay.model ?? null}
          text={run.text}
          running={run.status === 'running'}
          testId="new-completion"
        />
      </div>
      {result && (
        <>
          <DiffView ops={result.diff} label="Original → new completion" testId="replay-diff" />
          <StatsTable original={result.original} calls={[{ name: 'Replay', call: result.replay }]} />
          <div className={styles.footer}>
            <TraceLink call={result.replay}>Open the replay trace</TraceLink>
            <span className={styles.muted}>
              Saved as version {result.version.version}
              {result.version.label ? ` “${result.version.label}”` : ''}
            </span>
          </div>
        </>
      )}
    </div>
  );
}

export interface AbResultProps {
  runs: readonly [RunState, RunState];
  originalText: string;
  originalModel: string | null;
}

export function AbResult({ runs, originalText, originalModel }: AbResultProps) {
  const styles = useStyles2(getStyles);
  const [a, b] = runs;
  const resultA = a.status === 'success' ? a.result : null;
  const resultB = b.status === 'success' ? b.result : null;
  const abDiff = useMemo(
    () => (resultA && resultB ? wordDiff(resultA.replay.output, resultB.replay.output) : null),
    [resultA, resultB],
  );
  if (a.status === 'idle' && b.status === 'idle') return null;
  const original = resultA?.original ?? resultB?.original;
  return (
    <div className={styles.results} data-testid="ab-result">
      {(['A', 'B'] as const).map((name, i) => {
        const run = runs[i]!;
        return run.status === 'error' ? (
          <ErrorAlert key={name} title={`Replay ${name} failed`} error={run.error} />
        ) : null;
      })}
      <div className={styles.columns}>
        {(['A', 'B'] as const).map((name, i) => {
          const run = runs[i]!;
          return (
            <Completion
              key={name}
              title={`${name}: new completion`}
              model={run.status === 'success' ? run.result.replay.model : null}
              text={run.status === 'idle' ? '' : run.text}
              running={run.status === 'running'}
              testId={`completion-${name}`}
            />
          );
        })}
      </div>
      {abDiff && <DiffView ops={abDiff} label="A → B" testId="ab-diff" />}
      {original && (resultA || resultB) && (
        <StatsTable
          original={original}
          calls={[
            ...(resultA ? [{ name: 'A', call: resultA.replay }] : []),
            ...(resultB ? [{ name: 'B', call: resultB.replay }] : []),
          ]}
        />
      )}
      <details>
        <summary>Original completion{originalModel ? ` (${originalModel})` : ''}</summary>
        <div className={styles.text}>{original?.output ?? originalText}</div>
      </details>
      {resultA && (
        <details>
          <summary>Original → A</summary>
          <DiffView ops={resultA.diff} label="Original → A" testId="diff-A" />
        </details>
      )}
      {resultB && (
        <details>
          <summary>Original → B</summary>
          <DiffView ops={resultB.diff} label="Original → B" testId="diff-B" />
        </details>
      )}
      <div className={styles.footer}>
        {resultA && <TraceLink call={resultA.replay}>Open replay trace A</TraceLink>}
        {resultB && <TraceLink call={resultB.replay}>Open replay trace B</TraceLink>}
      </div>
      {a.status === 'success' && b.status === 'success' && a.text === b.text && (
        <Alert severity="info" title="A and B answered the same" />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  results: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  columns: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    gap: theme.spacing(2),
  }),
  completion: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    minWidth: 0,
  }),
  completionHeader: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  }),
  text: css({
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    minHeight: 60,
    maxHeight: 360,
    overflow: 'auto',
  }),
  streaming: css({
    borderColor: theme.colors.primary.border,
  }),
  stats: css({
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1.5),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'right',
      fontVariantNumeric: 'tabular-nums',
    },
    'th[scope="row"]': { textAlign: 'left', color: theme.colors.text.secondary, fontWeight: 'normal' },
  }),
  footer: css({
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexWrap: 'wrap',
    a: { color: theme.colors.text.link },
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
