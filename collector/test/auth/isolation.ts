// The shared world of the tenant isolation test (tenant-isolation.test.ts) and the shape of its case files: every
// file in ./cases exports default IsolationCases — a module of the API adds its operations there, and the test fails
// while any operation of the OpenAPI document has no cross-tenant case.
import type { TestCollector } from '../e2e/harness.js';
import type { Answer } from './helpers.js';

export interface TenantTrace {
  traceId: string;
  rootSpan: string;
  chatSpan: string;
  toolSpan: string;
  service: string;
  agent: string;
  /** A word only this tenant's messages and errors hold. */
  secret: string;
}

export interface IsolationWorld {
  collector: TestCollector;
  /** `http://127.0.0.1:<port>/api/v1` */
  api: string;
  keys: {
    /** acme, every scope */
    a: string;
    /** globex, every scope */
    b: string;
    /** acme, read only */
    aRead: string;
    /** acme, ingest only */
    aIngest: string;
  };
  /** Tenant A's stored trace (agent root, chat call with a message holding A.secret, failing tool call). */
  A: TenantTrace;
  B: TenantTrace;
  /** Strings tenant B must never be shown; a setup adds the ids and names of what it creates for A. */
  aMarkers: string[];
  /** `from=…&to=…` around now (the last hour, one minute ahead). */
  window(): string;
}

export interface CrossTenantCase {
  /** Tenant B's request (with `key`) aimed at tenant A's data. */
  run(key: string): Promise<Answer>;
  /** Statuses that are a correct answer for B. */
  ok: number[];
}

export interface IsolationCases {
  /** Creates what the cases aim at (as tenant A, with world.keys.a); runs once, after the shared traces are stored. */
  setup?(world: IsolationWorld): Promise<void>;
  /** OpenAPI operationId → B's request against A's data. */
  cases(world: IsolationWorld): Record<string, CrossTenantCase>;
  /** Valid values of path parameters this module's routes have (for the SQL-injection test), by parameter name. */
  pathValues?(world: IsolationWorld): Record<string, string>;
}
