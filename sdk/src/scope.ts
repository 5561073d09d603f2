// What the helpers carry down the call tree besides the OTel context: the guard run and the nearest agent.
// Node's AsyncLocalStorage (not the OTel context) so that guards work even where no OTel context manager is
// registered (helpers used without init()).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ScopedGuardRun } from './guard-types.js';

export interface Scope {
  run?: ScopedGuardRun;
  /** Name of the innermost agent() this code runs under (for per-agent budgets). */
  agentName?: string;
}

// On globalThis so that two copies of the SDK in one process (built and sources, two versions) share runs.
const STORAGE_KEY = Symbol.for('beacon.sdk.scope');
const global = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<Scope> };
global[STORAGE_KEY] ??= new AsyncLocalStorage<Scope>();
const storage = global[STORAGE_KEY];

export function currentScope(): Scope {
  return storage.getStore() ?? {};
}

export function withScope<T>(scope: Scope, fn: () => T): T {
  return storage.run(scope, fn);
}
