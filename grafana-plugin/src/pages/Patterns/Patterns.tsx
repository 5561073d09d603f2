// Error patterns across traces: failures of a time range grouped by category (rate limit, context overflow, tool
// failure, timeout, auth, loop) and message shape, with counts, last occurrence and example traces.
import type { AnalysisResponse, FailureCategory } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, EmptyState, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useBeaconClient, usePaths } from '../../api/context';
import { PatternsTable } from '../../components/Analysis/PatternsTable';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { ListPage } from '../../components/ListPage/ListPage';
import { useUrlRange } from '../../components/RangePicker/RangePicker';
import { useAsync } from '../../hooks/useAsync';
import { FAILURE_CATEGORIES, failureColor, failureLabel } from '../../utils/failures';
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

  const byCategory = useMemo(() => {
    const counts = new Map<FailureCategory, number>();
    for (const p of state.value?.patterns ?? [])
      counts.set(p.category, (counts.get(p.category) ?? 0) + p.spanCount);
    return FAILURE_CATEGORIES.filter((c) => counts.has(c)).map((c) => [c, counts.get(c)!] as const);
  }, [state.value]);

  return (
    <ListPage
      title="Error patterns"
      subTitle="Failures across traces, grouped by kind and message"
      onRefresh={() => setReload((n) => n + 1)}
      range={{ id: 'beacon-patterns-range', value: range, onChange: setRange }}
      toolbar={
        byCategory.length > 0 && (
          <div className={styles.categories} data-testid="pattern-categories">
            {byCategory.map(([category, count]) => (
              <Link key={category} to={paths.traces({ failure: category, status: 'error', range })}>
                <Badge text={`${failureLabel(category)} · ${count}`} color={failureColor(category)} />
              </Link>
            ))}
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
        {state.status === 'success' &&
          (state.value.patterns.length === 0 ? (
            <EmptyState variant="completed" message="No failures in this time range">
              <Text element="p">
                No span failed between these times. Widen the time range to look further back.
              </Text>
            </EmptyState>
          ) : (
            <>
              {state.value.refinement && (
                <div className={styles.refinement} data-testid="analysis-refinement">
                  <Badge
                    text={`AI-written · ${state.value.refinement.model}`}
                    color="purple"
                    icon="ai-sparkle"
                  />
                  <p>{state.value.refinement.text}</p>
                </div>
              )}
              {state.value.text && (
                <Text element="p" color="secondary">
                  {state.value.text}
                </Text>
              )}
              <PatternsTable patterns={state.value.patterns} />
            </>
          ))}
      </div>
    </ListPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
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
