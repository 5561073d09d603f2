// POST /api/v1/analysis/{kind} and the baseline routes. Filled in by [4/9] analysis.
import type { JsonSchema } from './params.js';
import type { ApiModule } from './query-api.js';

export const ANALYSIS_SCHEMAS: Record<string, JsonSchema> = {};

export function createAnalysisApi(): ApiModule {
  return { routes: [], schemas: ANALYSIS_SCHEMAS };
}
