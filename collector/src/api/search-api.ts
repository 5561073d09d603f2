// GET /api/v1/search: full-text search over spans (SQL in storage/queries).
import type { SearchResponse } from '../contract/index.js';
import { search } from '../storage/queries/index.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { ref } from './openapi.js';
import { checkRange, instant, integer, requiredText } from './params.js';
import { defineRoute } from './router.js';

const searchRoute = defineRoute({
  method: 'GET',
  path: `${API_PREFIX}/search`,
  query: {
    q: requiredText('Text to find, case-insensitive: span names, attribute values, message contents.'),
    limit: integer('Most hits.', { min: 1, max: 200, fallback: 50 }),
    from: instant('Spans starting at or after this time.'),
    to: instant('Spans starting at or before this time.'),
  },
  doc: {
    operationId: 'search',
    summary: 'Full-text search over spans',
    description:
      'Newest first, one hit per span (a name match before a message match before an attribute match).',
    tags: ['search'],
    responses: {
      '200': { description: 'Hits.', content: { 'application/json': ref('SearchResponse') } },
    },
  },
  handler: async ({ query, storage: ctx }) => {
    checkRange(query.from, query.to);
    const hits = await search(ctx, {
      q: query.q,
      limit: query.limit,
      fromNs: query.from,
      toNs: query.to,
    });
    const result: SearchResponse = { hits };
    return { json: result };
  },
});

/** Search. Its OpenAPI components are the query API's own (openapi.ts SCHEMAS). */
export function createSearchApi(): ApiModule {
  return { routes: [searchRoute], schemas: {} };
}
