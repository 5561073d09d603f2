// POST /api/v1/replay and the prompt-version routes. Filled in by [4/9] replay.
import type { JsonSchema } from './params.js';
import type { ApiModule } from './query-api.js';

export const REPLAY_SCHEMAS: Record<string, JsonSchema> = {};

export function createReplayApi(): ApiModule {
  return { routes: [], schemas: REPLAY_SCHEMAS };
}
