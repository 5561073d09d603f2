// What every API route module (traces-api.ts, budgets-api.ts, …) hands the query API: its routes and the OpenAPI
// components their docs refer to. query-api.ts lists the modules; openapi-route.ts documents them.
import type { JsonSchema } from './params.js';
import type { Route } from './router.js';

export const API_PREFIX = '/api/v1';

/** A group of routes with the OpenAPI component schemas their docs refer to (componentRef). */
export interface ApiModule {
  routes: Route[];
  schemas: Record<string, JsonSchema>;
}
