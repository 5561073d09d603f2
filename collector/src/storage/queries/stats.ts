// GET /stats/summary and /stats/timeseries: model calls (inference spans: chat, completions, embeddings) from
// beacon_genai_spans — calls, errors, tokens, cost and unpriced calls, grouped by model, agent or service. Only
// inference spans count, as in every Beacon total: agent and workflow spans may repeat their children's usage.
// The range prunes partitions (PARTITION BY toDate(Timestamp)).
import type { StatsGroup, StatsSummaryResponse, StatsTimeseriesResponse } from '../../contract/index.js';
import { COST_DECIMALS, instantParam, type QueryContext, select, table } from './context.js';

export const STATS_GROUP_BY = ['model', 'agent', 'service'] as const;
export type StatsGroupBy = (typeof STATS_GROUP_BY)[number];

export interface StatsFilter {
  /** Inclusive range of span start times. */
  fromNs: bigint;
  toNs: bigint;
  groupBy: StatsGroupBy;
}

/** The grouping is chosen by a bound parameter too: the statement text is the same whatever the client asks. */
const GROUP_KEY = `multiIf(
    {groupBy:String} = 'agent', toString(AgentName),
    {groupBy:String} = 'service', toString(ServiceName),
    if(ResponseModel != '', toString(ResponseModel), toString(RequestModel)))`;

const MEASURES = `
    toFloat64(countIf(IsInference = 1)) AS calls,
    toFloat64(countIf(IsInference = 1 AND StatusCode = 'Error')) AS errors,
    toFloat64(sumIf(ifNull(InputTokens, 0), IsInference = 1)) AS inputTokens,
    toFloat64(sumIf(ifNull(OutputTokens, 0), IsInference = 1)) AS outputTokens,
    round(sumIf(ifNull(CostUsd, 0), IsInference = 1), ${COST_DECIMALS}) AS costUsd,
    toFloat64(countIf(IsInference = 1 AND Unpriced = 1)) AS unpriced`;

const IN_RANGE = `Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}`;

type Measures = Omit<StatsGroup, 'key'>;

const ZERO: Readonly<Measures> = {
  calls: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  unpriced: 0,
};

function measures(row: Measures): Measures {
  return {
    calls: Number(row.calls),
    errors: Number(row.errors),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    costUsd: Number(row.costUsd),
    unpriced: Number(row.unpriced),
  };
}

function rangeParams(filter: StatsFilter) {
  return { fromNs: filter.fromNs.toString(), toNs: filter.toNs.toString(), groupBy: filter.groupBy };
}

export async function statsSummary(ctx: QueryContext, filter: StatsFilter): Promise<StatsSummaryResponse> {
  const genai = table(ctx, 'genaiSpans');
  const params = rangeParams(filter);
  const [totals, groups] = await Promise.all([
    select<Measures & { traces: number }>(
      ctx,
      // traces: the traces with any GenAI span in the range.
      `SELECT ${MEASURES}, toFloat64(uniqExact(TraceId)) AS traces FROM ${genai} WHERE ${IN_RANGE}`,
      params,
    ),
    select<StatsGroup>(
      ctx,
      `SELECT ${GROUP_KEY} AS key, ${MEASURES}
FROM ${genai}
WHERE IsInference = 1 AND ${IN_RANGE}
GROUP BY key
ORDER BY costUsd DESC, calls DESC, key`,
      params,
    ),
  ]);
  const total = totals[0];
  return {
    totals: {
      ...measures(total ?? ZERO),
      traces: Number(total?.traces ?? 0),
    },
    groups: groups.map((row) => ({ key: row.key, ...measures(row) })),
  };
}

/** Steps offered when the client names none: the smallest giving at most TARGET_POINTS buckets. */
const NICE_STEPS = [
  1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 604_800,
];
const TARGET_POINTS = 200;
export const MAX_POINTS = 2000;

export function bucketCount(fromNs: bigint, toNs: bigint, stepSeconds: number): number {
  const stepNs = BigInt(stepSeconds) * 1_000_000_000n;
  return Number(toNs / stepNs - fromNs / stepNs) + 1;
}

export function defaultStepSeconds(fromNs: bigint, toNs: bigint): number {
  return (
    NICE_STEPS.find((step) => bucketCount(fromNs, toNs, step) <= TARGET_POINTS) ??
    Math.ceil(Number((toNs - fromNs) / 1_000_000_000n) / TARGET_POINTS)
  );
}

/** One series per group, every bucket of the range present (empty buckets are zeros), buckets aligned to the epoch. */
export async function statsTimeseries(
  ctx: QueryContext,
  filter: StatsFilter & { stepSeconds: number },
): Promise<StatsTimeseriesResponse> {
  const stepNs = BigInt(filter.stepSeconds) * 1_000_000_000n;
  const rows = await select<StatsGroup & { time: string }>(
    ctx,
    `SELECT ${GROUP_KEY} AS key,
    toString(intDiv(toUnixTimestamp64Nano(Timestamp), {stepNs:Int64}) * {stepNs:Int64}) AS time, ${MEASURES}
FROM ${table(ctx, 'genaiSpans')}
WHERE IsInference = 1 AND ${IN_RANGE}
GROUP BY key, time`,
    { ...rangeParams(filter), stepNs: stepNs.toString() },
  );
  const firstBucket = (filter.fromNs / stepNs) * stepNs;
  const buckets = bucketCount(filter.fromNs, filter.toNs, filter.stepSeconds);
  const byKey = new Map<string, { total: Measures; points: Map<string, Measures> }>();
  for (const row of rows) {
    let series = byKey.get(row.key);
    if (!series) {
      series = { total: { ...ZERO }, points: new Map() };
      byKey.set(row.key, series);
    }
    const point = measures(row);
    series.points.set(row.time, point);
    series.total.calls += point.calls;
    series.total.costUsd += point.costUsd;
  }
  const series = [...byKey.entries()]
    .sort(
      ([keyA, a], [keyB, b]) =>
        b.total.costUsd - a.total.costUsd ||
        b.total.calls - a.total.calls ||
        (keyA < keyB ? -1 : keyA > keyB ? 1 : 0),
    )
    .map(([key, { points }]) => ({
      key,
      points: Array.from({ length: buckets }, (_, i) => {
        const time = (firstBucket + BigInt(i) * stepNs).toString();
        return { time, ...(points.get(time) ?? ZERO) };
      }),
    }));
  return { stepSeconds: filter.stepSeconds, series };
}
