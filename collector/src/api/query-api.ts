// The query API under /api/v1: the list of its route modules (types in contract/, SQL in storage/queries) and the
// OpenAPI document describing exactly their routes. Served by server.ts.
import { type AnalysisApiOptions, createAnalysisApi } from './analysis-api.js';
import { type BudgetsApiOptions, createBudgetsApi } from './budgets-api.js';
import type { ApiModule } from './module.js';
import { createOpenApiRoute } from './openapi-route.js';
import { createReplayApi, type ReplayApiOptions } from './replay-api.js';
import type { Route } from './router.js';
import { createSearchApi } from './search-api.js';
import { createSessionsApi } from './sessions-api.js';
import { createSharesApi, type SharesApiOptions } from './shares-api.js';
import { createStatsApi } from './stats-api.js';
import { createTraceImportApi, type TraceIngest } from './trace-import-api.js';
import { createTraceNotesApi } from './trace-notes-api.js';
import { createTracesApi } from './traces-api.js';

export interface QueryApiOptions {
  /** Largest request body (import, tags, annotations); larger gets 413. */
  maxBodyBytes: number;
  /** Where POST /traces/import sends spans: the same pipeline as OTLP ingest. */
  ingest: TraceIngest;
  /** What the modules below need of the collector's services; index.ts builds them. */
  replay: ReplayApiOptions;
  analysis: AnalysisApiOptions;
  budgets: BudgetsApiOptions;
  shares: Omit<SharesApiOptions, 'maxSpansPerTraceView'>;
  /** BEACON_MAX_SPANS_PER_TRACE_VIEW: the most spans a trace detail, graph or shared trace returns. */
  maxSpansPerTraceView: number;
}

/**
 * The API's route modules, in the order they are routed (among paths with as many literal segments) and documented.
 * Add a new API route here: write an api/<name>-api.ts whose create…Api() returns an ApiModule (its routes and the
 * OpenAPI components their docs refer to), and list it below; what it needs of the collector's services goes into
 * QueryApiOptions, which index.ts fills.
 */
function routeModules(options: QueryApiOptions): ApiModule[] {
  return [
    createTracesApi(options.maxSpansPerTraceView),
    createTraceImportApi(options.ingest),
    createTraceNotesApi(),
    createSearchApi(),
    createStatsApi(),
    createReplayApi(options.replay),
    createAnalysisApi(options.analysis),
    createBudgetsApi(options.budgets),
    createSessionsApi(),
    createSharesApi({ ...options.shares, maxSpansPerTraceView: options.maxSpansPerTraceView }),
  ];
}

/** Every route of the query API, and the OpenAPI document describing exactly them. */
export function createQueryApi(options: QueryApiOptions): { routes: Route[] } {
  const modules = routeModules(options);
  return { routes: [...modules.flatMap((module) => module.routes), createOpenApiRoute(modules)] };
}
