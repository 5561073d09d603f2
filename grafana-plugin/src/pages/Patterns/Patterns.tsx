// Error patterns across traces: failures of a time range grouped by category (rate limit, context overflow, tool
// failure, timeout, auth, other) and message shape, with counts, last occurrence and example traces. Each failure
// is counted once, where it started (the API leaves out spans that failed only because a child did). Loops are
// warnings, not failures: they are listed apart, below, in the warning colour, and in no failure count.
import type { AnalysisResponse, ErrorPattern, FailureCategory } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, EmptyState, Icon, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useBeaconClient, usePaths } from '../../api/context';
import { PatternsTable } from '../../components/Analysis/PatternsTable';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { ListPage } from '../../components/ListPage/ListPage';
import { useUrlRange } from '../../components/RangePicker/RangePicker';
import { useAsync } from '../../hooks/useAsync';
import {
  ERROR_CATEGORIES,
  failureColor,
  failureLabel,
  isWarningCategory,
  LOOP_WARNING_TITLE,
  WARNING_COLOR,
  WARNING_ICON,
} from '../../utils/failures';
import { rangeBounds } from '../../utils/timeRange';

export function PatternsPage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const paths = usePaths();
  // Error patterns need a bounded range: every option but "All time".
  const [range, setRange] = useUrlRange();
  const [reload, setReload] = useState(0);

  const state = useAsync<AnalysisResponse>(
    (signal) => client.analyze('error-patterns', rangeBounds(range), { signal }),
    [client, range, reload],
  );

  const split = useMemo(() => splitPatterns(state.value?.patterns ?? []), [state.value]);
  const byCategory = useMemo(() => {
    const counts = new Map<FailureCategory, number>();
    for (const p of split.failures) counts.set(p.category, (counts.get(p.category) ?? 0) + p.spanCount);
    return ERROR_CATEGORIES.filter((c) => counts.has(c)).map((c) => [c, counts.get(c)!] as const);
  }, [split]);
  const loopCalls = split.loops.reduce((n, p) => n + p.spanCount, 0);

  return (
    <ListPage
      title="Error patterns"
      subTitle="Failures across traces, grouped by kind and message"
      onRefresh={() => setReload((n) => n + 1)}
      range={{ id: 'beacon-patterns-range', value: range, onChange: setRange }}
      toolbar={
        (byCategory.length > 0 || loopCalls > 0) && (
          <div className={styles.categories} data-testid="pattern-categories">
            {byCategory.map(([category, count]) => (
              <Link key={category} to={paths.traces({ failure: category, status: 'error', range })}>
                <Badge text={`${failureLabel(category)} · ${count}`} color={failureColor(category)} />
              </Link>
            ))}
            {loopCalls > 0 && (
              <Link to={paths.traces({ failure: 'loop', range })} data-testid="loop-warnings-link">
                <Badge
                  text={`Warnings: loops · ${loopCalls}`}
                  color={WARNING_COLOR}
                  icon={WARNING_ICON}
                  tooltip={LOOP_WARNING_TITLE}
                />
              </Link>
            )}
          </div>
        )
      }
    >
      <div className={styles.body}>
        {state.status === 'loading' && <LoadingPlaceholder text="Grouping failures…" />}
        {state.status === 'error' && (
          <ErrorWithRetry
            title="Could not load error patterns"
            error={state.error}
            onRetry={() => setReload((n) => n + 1)}
          />
        )}
        {state.status === 'success' && (
          <PatternsBody response={state.value} failures={split.failures} loops={split.loops} />
        )}
      </div>
    </ListPage>
  );
}

/** Failure patterns and loop warnings apart (the API lists failures first, then loops). */
function splitPatterns(patterns: readonly ErrorPattern[]) {
  return {
    failures: patterns.filter((p) => !isWarningCategory(p.category)),
    loops: patterns.filter((p) => isWarningCategory(p.category)),
  };
}

function PatternsBody({
  response,
  failures,
  loops,
}: {
  response: AnalysisResponse;
  failures: readonly ErrorPattern[];
  loops: readonly ErrorPattern[];
}) {
  const styles = useStyles2(getStyles);
  if (failures.length === 0 && loops.length === 0)
    return (
      <EmptyState variant="completed" message="No failures in this time range">
        <Text element="p">
          No span failed between these times. Widen the time range to look further back.
        </Text>
      </EmptyState>
    );
  return (
    <>
      {response.refinement && (
        <div className={styles.refinement} data-testid="analysis-refinement">
          <Badge text={`AI-written · ${response.refinement.model}`} color="purple" icon="ai-sparkle" />
          <p>{response.refinement.text}</p>
        </div>
      )}
      {response.text && (
        <Text element="p" color="secondary">
          {response.text}
        </Text>
      )}
      {failures.length > 0 ? (
        <PatternsTable patterns={failures} />
      ) : (
        <Text element="p">No failures in this time range: only the warnings below.</Text>
      )}
      {loops.length > 0 && (
        <section className={styles.warnings} data-testid="loop-warnings" aria-label="Warnings: loops">
          <Text element="h3">
            <Icon name={WARNING_ICON} /> Warnings: loops
          </Text>
          <Text element="p" color="secondary">
            {LOOP_WARNING_TITLE} Not counted as failures above.
          </Text>
          <PatternsTable patterns={loops} />
        </section>
      )}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  warnings: css({
    marginTop: theme.spacing(2),
    paddingLeft: theme.spacing(1),
    borderLeft: `3px solid ${theme.colors.warning.main}`,
  }),
  categories: css({
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    paddingBottom: theme.spacing(0.5),
  }),
  body: css({
    marginTop: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  refinement: css({
    paddingLeft: theme.spacing(1),
    borderLeft: `3px solid ${theme.visualization.getColorByName('purple')}`,
    p: { margin: theme.spacing(0.5, 0, 0) },
  }),
});
