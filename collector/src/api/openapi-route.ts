// GET /api/v1/openapi.json: the OpenAPI document of every route module the query API serves (built once, by
// openapi.ts, from their routes and component schemas), itself included.
import { API_PREFIX, type ApiModule } from './module.js';
import { buildOpenApiDocument } from './openapi.js';
import { defineRoute, type Route } from './router.js';

export function createOpenApiRoute(modules: readonly ApiModule[]): Route {
  const route = defineRoute({
    method: 'GET',
    path: `${API_PREFIX}/openapi.json`,
    access: 'public',
    doc: {
      operationId: 'openapi',
      summary: 'This document',
      tags: ['meta'],
      responses: {
        '200': {
          description: 'OpenAPI 3.1 document.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
    handler: async () => ({ json: document }),
  });
  const document = buildOpenApiDocument(
    [...modules.flatMap((module) => module.routes), route],
    Object.assign({}, ...modules.map((module) => module.schemas)),
  );
  return route;
}
