// GET /api/v1/stats/summary and /stats/timeseries: model calls, errors, tokens and cost per model, agent or service
// (SQL in storage/queries).
import type { StatsSummaryResponse, StatsTimeseriesResponse } from '../contract/index.js';
import {
  bucketCount,
  defaultStepSeconds,
  MAX_POINTS,
  STATS_GROUP_BY,
  statsSummary,
  statsTimeseries,
} from '../storage/queries/index.js';
import { badRequest } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { ref } from './openapi.js';
import { checkRange, instant, oneOf, optionalInteger } from './params.js';
import { defineRoute } from './router.js';

const DAY_NS = 86_400n * 1_000_000_000n;

function statsQuery() {
  return {
    from: instant('Start of the range (default: 24 hours before to).'),
    to: instant('End of the range, inclusive (default: now).'),
    groupBy: oneOf(STATS_GROUP_BY, 'What the groups / series are.', 'model'),
  };
}

function statsRange(from: bigint | undefined, to: bigint | undefined): { fromNs: bigint; toNs: bigint } {
  const toNs = to ?? BigInt(Date.now()) * 1_000_000n;
  const fromNs = from ?? (toNs > DAY_NS ? toNs - DAY_NS : 0n);
  checkRange(fromNs, toNs);
  return { fromNs, toNs };
}

const statsSummaryRoute = defineRoute({
  method: 'GET',
  path: `${API_PREFIX}/stats/summary`,
  query: statsQuery(),
  doc: {
    operationId: 'statsSummary',
    summary: 'Model calls, errors, tokens and cost in a time range, in total and per model, agent or service',
    description:
      'Counts model calls (chat, completions, embeddings) only. totals.traces: traces with a GenAI span in the range.',
    tags: ['stats'],
    responses: {
      '200': {
        description: 'The numbers.',
        content: { 'application/json': ref('StatsSummaryResponse') },
      },
    },
  },
  handler: async ({ query, storage: ctx }) => {
    const range = statsRange(query.from, query.to);
    const result: StatsSummaryResponse = await statsSummary(ctx, { ...range, groupBy: query.groupBy });
    return { json: result };
  },
});

const statsTimeseriesRoute = defineRoute({
  method: 'GET',
  path: `${API_PREFIX}/stats/timeseries`,
  query: {
    ...statsQuery(),
    stepSeconds: optionalInteger(
      `Bucket width; default: the smallest round step giving at most 200 buckets. At most ${MAX_POINTS} buckets.`,
      { min: 1, max: 31_536_000 },
    ),
  },
  doc: {
    operationId: 'statsTimeseries',
    summary: 'The same numbers per time bucket, one series per model, agent or service',
    description: 'Buckets are aligned to multiples of stepSeconds since the epoch; empty buckets are zeros.',
    tags: ['stats'],
    responses: {
      '200': {
        description: 'The series.',
        content: { 'application/json': ref('StatsTimeseriesResponse') },
      },
    },
  },
  handler: async ({ query, storage: ctx }) => {
    const range = statsRange(query.from, query.to);
    const stepSeconds = query.stepSeconds ?? defaultStepSeconds(range.fromNs, range.toNs);
    if (bucketCount(range.fromNs, range.toNs, stepSeconds) > MAX_POINTS) {
      throw badRequest(`stepSeconds: gives more than ${MAX_POINTS} buckets over from..to`);
    }
    const result: StatsTimeseriesResponse = await statsTimeseries(ctx, {
      ...range,
      groupBy: query.groupBy,
      stepSeconds,
    });
    return { json: result };
  },
});

/** Stats. Their OpenAPI components are the query API's own (openapi.ts SCHEMAS). */
export function createStatsApi(): ApiModule {
  return { routes: [statsSummaryRoute, statsTimeseriesRoute], schemas: {} };
}
