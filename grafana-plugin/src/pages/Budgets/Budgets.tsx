// Budgets: every budget of the tenant with its use this period (a bar coloured at 75 / 90 / 100%, the bands the
// alert rules fire at), and the selected budget's burn-down with a forecast to the period end.
import type {
  BudgetBurndownResponse,
  BudgetListResponse,
  BudgetStatus,
} from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, EmptyState, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useBeaconClient } from '../../api/context';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { ListPage } from '../../components/ListPage/ListPage';
import { useAsync } from '../../hooks/useAsync';
import { BurndownChart } from './BurndownChart';
import { formatAmount, formatScope, levelOf, type UseLevel } from './format';

const LEVEL_TEXT: Record<UseLevel, string> = {
  ok: 'within budget',
  high: 'over 75%',
  critical: 'over 90%',
  exhausted: 'exhausted',
};

export function BudgetsPage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const [params, setParams] = useSearchParams();
  const [reload, setReload] = useState(0);
  const state = useAsync<BudgetListResponse>((signal) => client.listBudgets({ signal }), [client, reload]);

  const budgets = state.value?.budgets ?? [];
  const requested = params.get('budget');
  const selected = budgets.find((b) => b.name === requested) ?? budgets[0];
  const select = (name: string) => {
    const next = new URLSearchParams(params);
    next.set('budget', name);
    setParams(next, { replace: true });
  };

  return (
    <ListPage
      title="Budgets"
      subTitle="Spend limits per service, agent, model or tag, this UTC hour, day or month"
      onRefresh={() => setReload((n) => n + 1)}
    >
      {state.status === 'loading' && <LoadingPlaceholder text="Measuring budgets…" />}
      {state.status === 'error' && (
        <ErrorWithRetry
          title="Could not load budgets"
          error={state.error}
          onRetry={() => setReload((n) => n + 1)}
        />
      )}
      {state.status === 'success' &&
        (budgets.length === 0 ? (
          <EmptyState variant="call-to-action" message="No budgets yet">
            <Text element="p">
              Define one with <code>PUT /api/v1/budgets/&lt;name&gt;</code> (for example{' '}
              <code>{'{"limit": 50, "unit": "usd", "period": "day"}'}</code>) or in the collector's
              BEACON_BUDGETS_FILE.
            </Text>
          </EmptyState>
        ) : (
          <div className={styles.layout}>
            <ul className={styles.list} aria-label="Budgets">
              {budgets.map((budget) => (
                <BudgetRow
                  key={budget.name}
                  budget={budget}
                  selected={budget.name === selected?.name}
                  onSelect={() => select(budget.name)}
                />
              ))}
            </ul>
            {selected && <Burndown key={`${selected.name}-${reload}`} name={selected.name} />}
          </div>
        ))}
    </ListPage>
  );
}

function BudgetRow({
  budget,
  selected,
  onSelect,
}: {
  budget: BudgetStatus;
  selected: boolean;
  onSelect: () => void;
}) {
  const styles = useStyles2(getStyles);
  const level = levelOf(budget.ratio);
  const percent = Math.round(budget.ratio * 100);
  return (
    <li className={cx(styles.row, selected && styles.selected)} data-testid={`budget-${budget.name}`}>
      <button type="button" className={styles.rowButton} onClick={onSelect} aria-pressed={selected}>
        <span className={styles.rowHead}>
          <strong>{budget.name}</strong>
          <span className={styles.muted}>
            {formatScope(budget.scope)} · per {budget.period}
          </span>
          {budget.source === 'file' && <Badge text="config file" color="blue" />}
        </span>
        {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> cannot take the theme's four band colours */}
        <span
          className={styles.bar}
          role="meter"
          aria-label={`${budget.name} used`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}% — ${LEVEL_TEXT[level]}`}
        >
          <span
            className={cx(styles.fill, styles[level])}
            data-level={level}
            style={{ width: `${Math.min(budget.ratio, 1) * 100}%` }}
          />
        </span>
        <span className={styles.numbers}>
          {formatAmount(budget.used, budget.unit)} of {formatAmount(budget.limit, budget.unit)} ({percent}%)
        </span>
      </button>
    </li>
  );
}

function Burndown({ name }: { name: string }) {
  const client = useBeaconClient();
  const [reload, setReload] = useState(0);
  const state = useAsync<BudgetBurndownResponse>(
    (signal) => client.getBudgetBurndown(name, { signal }),
    [client, name, reload],
  );
  return (
    <section aria-label={`Burn-down of ${name}`}>
      <Text element="h3" variant="h4">
        {name}: burn-down
      </Text>
      {state.status === 'loading' && <LoadingPlaceholder text="Loading the burn-down…" />}
      {state.status === 'error' && (
        <ErrorWithRetry
          title="Could not load the burn-down"
          error={state.error}
          onRetry={() => setReload((n) => n + 1)}
        />
      )}
      {state.status === 'success' && <BurndownChart burndown={state.value} />}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  layout: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(280px, 1fr) minmax(320px, 2fr)',
    gap: theme.spacing(3),
    alignItems: 'start',
    [theme.breakpoints.down('md')]: { gridTemplateColumns: '1fr' },
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  row: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  selected: css({ borderColor: theme.colors.primary.border }),
  rowButton: css({
    all: 'unset',
    cursor: 'pointer',
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    padding: theme.spacing(1, 1.5),
    width: '100%',
    boxSizing: 'border-box',
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  rowHead: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'baseline', flexWrap: 'wrap' }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  bar: css({
    display: 'block',
    height: 8,
    borderRadius: 4,
    background: theme.colors.background.canvas,
    overflow: 'hidden',
  }),
  fill: css({ display: 'block', height: '100%' }),
  ok: css({ background: theme.colors.success.main }),
  high: css({ background: theme.colors.warning.main }),
  critical: css({ background: theme.visualization.getColorByName('orange') }),
  exhausted: css({ background: theme.colors.error.main }),
  numbers: css({ fontSize: theme.typography.bodySmall.fontSize }),
});
