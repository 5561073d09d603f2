// Traces: a filterable, searchable list of agent traces (cost, tokens, duration, status, agent), newest first,
// with cursor pagination; pick two to compare.
import type { FailureCategory, TraceListResponse } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Button,
  EmptyState,
  Field,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Select,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useBeaconClient, usePaths } from '../../api/context';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { Page } from '../../components/Page/Page';
import { useAsync } from '../../hooks/useAsync';
import { FAILURE_CATEGORIES, FAILURE_LABELS, isWarningCategory } from '../../utils/failures';
import { RANGE_OPTIONS } from '../../utils/timeRange';
import { hasFilters, readFilters, type TraceFilters, toQuery, writeFilters } from './filters';
import { TraceTable } from './TraceTable';

const FAILURE_OPTIONS: { label: string; value: '' | FailureCategory; description?: string }[] = [
  { label: 'Any', value: '' },
  // Failures first, then the loop warning: it selects traces with a loop, which are no failures.
  ...FAILURE_CATEGORIES.map((c) => ({
    label: isWarningCategory(c) ? `${FAILURE_LABELS[c]} (warning)` : FAILURE_LABELS[c],
    value: c,
  })),
];

const STATUS_OPTIONS = [
  { label: 'All', value: '' as const },
  { label: 'OK', value: 'ok' as const },
  { label: 'Error', value: 'error' as const },
];

export function TracesPage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const paths = usePaths();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filterKey = params.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(filterKey)), [filterKey]);

  // The form edits a draft; the URL (and so the query) changes on Apply.
  const [draft, setDraft] = useState<TraceFilters>(filters);
  useEffect(() => setDraft(filters), [filters]);

  // Cursor pagination: cursors[i] fetches page i; starts over whenever the filters change.
  const [pager, setPager] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: filterKey,
    cursors: [undefined],
  });
  const cursors = pager.key === filterKey ? pager.cursors : [undefined];
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const [reload, setReload] = useState(0);

  const state = useAsync<TraceListResponse>(
    (signal) => client.listTraces(toQuery(filters, Date.now(), cursor), { signal }),
    [client, filters, cursor, reload],
  );

  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (traceId: string) =>
    setSelected((s) => (s.includes(traceId) ? s.filter((id) => id !== traceId) : [...s.slice(-1), traceId]));

  const set = <K extends keyof TraceFilters>(key: K, value: TraceFilters[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const apply = (next: TraceFilters) => setParams(writeFilters(next));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };

  const textField = (
    key: 'q' | 'service' | 'agent' | 'model' | 'tag',
    label: string,
    placeholder: string,
    width = 20,
  ) => (
    <Field label={label} className={styles.field}>
      <Input
        id={`beacon-filter-${key}`}
        width={width}
        value={draft[key]}
        placeholder={placeholder}
        onChange={(e) => set(key, e.currentTarget.value)}
      />
    </Field>
  );

  return (
    <Page
      title="Traces"
      inNav
      subTitle="Agent runs, newest first"
      actions={
        <Button
          variant="secondary"
          icon="code-branch"
          disabled={selected.length !== 2}
          tooltip={selected.length === 2 ? undefined : 'Tick two traces in the list to compare them'}
          onClick={() => navigate(paths.compare(selected[0], selected[1]))}
        >
          Compare selected ({selected.length}/2)
        </Button>
      }
    >
      <form className={styles.filters} onSubmit={onSubmit} aria-label="Trace filters">
        {textField('q', 'Search', 'text in names, attributes, messages', 32)}
        {textField('service', 'Service', 'any')}
        {textField('agent', 'Agent', 'any')}
        {textField('model', 'Model', 'any')}
        {textField('tag', 'Tag', 'any', 14)}
        <Field label="Status" className={styles.field}>
          <RadioButtonGroup
            options={STATUS_OPTIONS}
            value={draft.status}
            onChange={(v) => set('status', v)}
          />
        </Field>
        <Field label="Failure" className={styles.field}>
          <Select<'' | FailureCategory>
            inputId="beacon-filter-failure"
            width={20}
            options={FAILURE_OPTIONS}
            value={draft.failure}
            onChange={(v) => set('failure', v.value ?? '')}
          />
        </Field>
        <Field label="Time range" className={styles.field}>
          <Select
            inputId="beacon-filter-range"
            width={20}
            options={
              draft.from
                ? [{ label: 'Custom (from link)', value: 'custom' }, ...RANGE_OPTIONS]
                : RANGE_OPTIONS
            }
            value={draft.from ? 'custom' : draft.range}
            onChange={(v) => setDraft((d) => ({ ...d, range: v.value ?? d.range, from: '', to: '' }))}
          />
        </Field>
        <Field label="Min cost (USD)" className={styles.field}>
          <Input
            id="beacon-filter-minCost"
            type="number"
            min={0}
            step="any"
            width={14}
            value={draft.minCost}
            onChange={(e) => set('minCost', e.currentTarget.value)}
          />
        </Field>
        <Field label="Min duration (ms)" className={styles.field}>
          <Input
            id="beacon-filter-minDuration"
            type="number"
            min={0}
            step="any"
            width={14}
            value={draft.minDuration}
            onChange={(e) => set('minDuration', e.currentTarget.value)}
          />
        </Field>
        <Stack gap={1} alignItems="flex-end">
          <Button type="submit" icon="search">
            Apply
          </Button>
          <Button
            type="button"
            variant="secondary"
            fill="text"
            onClick={() => apply(readFilters(new URLSearchParams()))}
          >
            Reset
          </Button>
        </Stack>
      </form>

      {state.status === 'loading' && <LoadingPlaceholder text="Loading traces…" />}

      {state.status === 'error' && (
        <ErrorWithRetry
          title="Could not load traces"
          error={state.error}
          onRetry={() => setReload((n) => n + 1)}
        />
      )}

      {state.status === 'success' &&
        (state.value.traces.length === 0 ? (
          <EmptyState
            variant="not-found"
            message={
              page > 0
                ? 'No more traces'
                : hasFilters(filters)
                  ? 'No traces match these filters'
                  : 'No traces yet'
            }
          >
            {page === 0 && !hasFilters(filters) && (
              <Text element="p">
                Point an OpenTelemetry exporter at the Beacon collector (OTLP on ports 4317/4318) and traces
                appear here. Widen the time range if you expected older ones.
              </Text>
            )}
          </EmptyState>
        ) : (
          <TraceTable traces={state.value.traces} selected={new Set(selected)} onToggle={toggle} />
        ))}

      <div className={styles.pager}>
        <Button
          variant="secondary"
          icon="angle-left"
          disabled={page === 0}
          onClick={() => setPager({ key: filterKey, cursors: cursors.slice(0, -1) })}
        >
          Newer
        </Button>
        <Text color="secondary">Page {page + 1}</Text>
        <Button
          variant="secondary"
          icon="angle-right"
          disabled={state.status !== 'success' || !state.value.nextCursor}
          onClick={() => {
            if (state.status === 'success' && state.value.nextCursor) {
              setPager({ key: filterKey, cursors: [...cursors, state.value.nextCursor] });
            }
          }}
        >
          Older
        </Button>
      </div>
    </Page>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  filters: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
  }),
  field: css({
    marginBottom: 0,
  }),
  pager: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  }),
});
