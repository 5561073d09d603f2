// A budget's burn-down as plain SVG (like the waterfall, no chart library): cumulative spend from the period start
// to now (solid), the linear forecast to the period end (dashed), and the limit (a horizontal line).
import type { BudgetBurndownResponse, BurndownPoint } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { formatAmount } from './format';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 64, right: 16, top: 12, bottom: 28 };

const nsToMs = (ns: string) => Number(BigInt(ns) / 1_000_000n);

export function BurndownChart({ burndown }: { burndown: BudgetBurndownResponse }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const { budget, points, forecast } = burndown;
  const start = nsToMs(budget.periodStart);
  const end = nsToMs(budget.periodEnd);
  const top = Math.max(budget.limit, forecast.atPeriodEnd, budget.used) * 1.1 || 1;
  const x = (ms: number) => PAD.left + ((ms - start) / (end - start)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const line = (list: BurndownPoint[]) =>
    list.map((p) => `${x(nsToMs(p.t)).toFixed(1)},${y(p.cumulative).toFixed(1)}`).join(' ');
  const over = forecast.atPeriodEnd > budget.limit;
  const spendColor = theme.visualization.getColorByName('blue');
  const forecastColor = over ? theme.colors.error.text : theme.colors.text.secondary;

  return (
    <figure className={styles.figure}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Burn-down of ${budget.name}: ${formatAmount(budget.used, budget.unit)} of ${formatAmount(budget.limit, budget.unit)} spent, forecast ${formatAmount(forecast.atPeriodEnd, budget.unit)} by the period end`}
        className={styles.svg}
      >
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={y(budget.limit)}
          y2={y(budget.limit)}
          stroke={theme.colors.error.main}
          strokeWidth={1.5}
          data-testid="burndown-limit"
        />
        <text x={PAD.left - 6} y={y(budget.limit) + 4} textAnchor="end" className={styles.axis}>
          {formatAmount(budget.limit, budget.unit)}
        </text>
        <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end" className={styles.axis}>
          0
        </text>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} stroke={theme.colors.border.medium} />
        <polyline
          points={line(points)}
          fill="none"
          stroke={spendColor}
          strokeWidth={2}
          data-testid="burndown-spend"
        />
        <polyline
          points={line(forecast.points)}
          fill="none"
          stroke={forecastColor}
          strokeWidth={2}
          strokeDasharray="6 4"
          data-testid="burndown-forecast"
        />
        <text x={PAD.left} y={HEIGHT - 8} className={styles.axis}>
          {new Date(start).toISOString().slice(0, 16).replace('T', ' ')} UTC
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" className={styles.axis}>
          {new Date(end).toISOString().slice(0, 16).replace('T', ' ')} UTC
        </text>
      </svg>
      <figcaption className={styles.caption}>
        Spent {formatAmount(budget.used, budget.unit)} of {formatAmount(budget.limit, budget.unit)}. At this
        period's rate so far: {formatAmount(forecast.atPeriodEnd, budget.unit)} by its end
        {forecast.exhaustedAt
          ? budget.used >= budget.limit
            ? ' — the limit was reached.'
            : ` — the limit is reached around ${new Date(nsToMs(forecast.exhaustedAt)).toISOString().slice(0, 16).replace('T', ' ')} UTC.`
          : ' — within the limit.'}
      </figcaption>
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({ margin: 0 }),
  svg: css({ width: '100%', maxWidth: WIDTH, height: 'auto', display: 'block' }),
  axis: css({ fontSize: 11, fill: theme.colors.text.secondary }),
  caption: css({ color: theme.colors.text.secondary, marginTop: theme.spacing(0.5) }),
});
