// The API's route table: method + path pattern (OpenAPI style, `/api/v1/traces/{traceId}`) → typed handler.
// Hand-written rather than a router library: no router is a dependency of the collector, the table is a dozen
// routes, and keeping patterns in OpenAPI syntax lets the same table generate /api/v1/openapi.json.
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/index.js';
import type { QueryContext } from '../storage/queries/index.js';
import { badRequest } from './http.js';
import { type JsonSchema, type ParamSpecs, type ParsedParams, parseParams } from './params.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type RouteResult =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; body: string; contentType: string; headers?: Record<string, string> }
  | { events: (stream: EventStream) => Promise<void>; headers?: Record<string, string> };

/**
 * A text/event-stream answer (Server-Sent Events), written as the route produces it. The status (200) and headers
 * are sent before `events` runs, so a route checks its input first and returns a JSON error instead.
 */
export interface EventStream {
  /** Writes one event: `event: <name>` and its data as one JSON line. */
  send(event: string, data: unknown): void;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * What a route needs its caller's key to allow: `read` (queries, analyses), `write` (changes: tags, import, replay…),
 * or nothing (`public`: the OpenAPI document).
 */
export type RouteAccess = 'public' | 'read' | 'write';

/** Who is calling, and the storage of their tenant: the only storage a route can reach (none for public routes). */
export interface Caller {
  principal: Principal;
  storage: QueryContext | null;
}

export interface RouteContext<P, Q> {
  req: IncomingMessage;
  /** The caller's tenant's tables: every query of the route goes through it. */
  storage: QueryContext;
  principal: Principal;
  path: P;
  query: Q;
  /** The JSON request body (415 / 413 / 400 when it is not one). */
  body(): Promise<unknown>;
}

export interface ResponseDoc {
  description: string;
  /** Media type → schema (a `$ref` into components or an inline schema). */
  content: Record<string, JsonSchema>;
}

/** What the OpenAPI document says about a route beyond its parameters. */
export interface RouteDoc {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  requestBody?: { description: string; schema: JsonSchema };
  /** Success responses by status; error responses are added from what the route can answer. */
  responses: Record<string, ResponseDoc>;
}

export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: RouteAccess;
  readonly pathParams: ParamSpecs;
  readonly query: ParamSpecs;
  readonly doc: RouteDoc;
  handle(
    req: IncomingMessage,
    caller: Caller,
    pathValues: Record<string, string>,
    search: URLSearchParams,
    body: () => Promise<unknown>,
  ): Promise<RouteResult>;
}

export function defineRoute<
  P extends ParamSpecs = Record<never, never>,
  Q extends ParamSpecs = Record<never, never>,
>(def: {
  method: HttpMethod;
  path: string;
  /** Default: `read` for GET, `write` otherwise. */
  access?: RouteAccess;
  pathParams?: P;
  query?: Q;
  doc: RouteDoc;
  handler: (ctx: RouteContext<ParsedParams<P>, ParsedParams<Q>>) => Promise<RouteResult>;
}): Route {
  const pathParams = (def.pathParams ?? {}) as P;
  const query = (def.query ?? {}) as Q;
  const declared = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (declared.join() !== Object.keys(pathParams).join()) {
    throw new Error(
      `route ${def.path}: path parameters ${declared} do not match the specs ${Object.keys(pathParams)}`,
    );
  }
  return {
    method: def.method,
    path: def.path,
    access: def.access ?? (def.method === 'GET' ? 'read' : 'write'),
    pathParams,
    query,
    doc: def.doc,
    handle: (req, caller, pathValues, search, body) =>
      def.handler({
        req,
        get storage() {
          if (!caller.storage) throw new Error(`public route ${def.path} has no tenant storage`);
          return caller.storage;
        },
        principal: caller.principal,
        path: parseParams(pathParams, (name) => (pathValues[name] === undefined ? [] : [pathValues[name]])),
        query: parseParams(query, (name) => search.getAll(name)),
        body,
      }),
  };
}

type Segment = { literal: string } | { param: string };

interface Pattern {
  path: string;
  segments: Segment[];
  /** More literal segments win: `/traces/import` before `/traces/{traceId}`. */
  literals: number;
  byMethod: Map<HttpMethod, Route>;
}

export type Match =
  | { kind: 'route'; route: Route; pathValues: Record<string, string>; allowed: HttpMethod[] }
  | { kind: 'method_not_allowed'; allowed: HttpMethod[] }
  | { kind: 'not_found'; allowed: HttpMethod[] };

export class Router {
  readonly #patterns: Pattern[] = [];

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      let pattern = this.#patterns.find((p) => p.path === route.path);
      if (!pattern) {
        const segments = route.path
          .split('/')
          .filter(Boolean)
          .map((s): Segment => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : { literal: s }));
        pattern = {
          path: route.path,
          segments,
          literals: segments.filter((s) => 'literal' in s).length,
          byMethod: new Map(),
        };
        this.#patterns.push(pattern);
      }
      if (pattern.byMethod.has(route.method))
        throw new Error(`duplicate route ${route.method} ${route.path}`);
      pattern.byMethod.set(route.method, route);
    }
    this.#patterns.sort((a, b) => b.literals - a.literals);
  }

  /** HEAD is answered by the GET route. Throws 400 on a path segment that is not valid percent-encoding. */
  match(method: string, pathname: string): Match {
    const parts = pathname.split('/').filter(Boolean);
    for (const pattern of this.#patterns) {
      const values = matchSegments(pattern.segments, parts);
      if (!values) continue;
      const allowed = [...pattern.byMethod.keys()];
      const route = pattern.byMethod.get((method === 'HEAD' ? 'GET' : method) as HttpMethod);
      if (route) return { kind: 'route', route, pathValues: values, allowed };
      return { kind: 'method_not_allowed', allowed };
    }
    return { kind: 'not_found', allowed: [] };
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const values: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return null;
      continue;
    }
    try {
      values[segment.param] = decodeURIComponent(part);
    } catch {
      throw badRequest(`${segment.param}: invalid percent-encoding in the path`);
    }
  }
  return values;
}
