// The guard's options and the part of a guarded run that the helpers call, as plain types: scope.ts names the run
// it carries with these, so that it need not import guards.ts (which imports scope.ts).
import type { Span } from '@opentelemetry/api';

export interface BudgetLimits {
  /** Input + output tokens (input includes cached tokens, per OTel). */
  maxTokens?: number;
  /** USD, priced from the reported usage with @beacon/semconv's createPricer (unpriced models add nothing). */
  maxCostUsd?: number;
}

/**
 * A budget kept by the Beacon collector (shared by every process reporting there): before each LLM call the guard
 * asks GET {url}/api/v1/budgets/{budget}/check whether `estimate` more fits, and refuses the call with
 * RemoteBudgetExceededError when not. The collector only knows spend once spans have reached it, so this is a
 * shared, eventually consistent limit; combine it with maxCostUsd / maxTokens for a hard cap per run.
 *
 * Fails open: when the collector cannot be reached, times out or answers with an error (unknown budget, bad key),
 * calls go ahead and `onError` is told — a monitoring outage must not stop the agents.
 */
export interface RemoteBudgetOptions {
  /** The collector's API base URL, e.g. http://localhost:4320 (the query API port). */
  url: string;
  /** The budget's name (BEACON_BUDGETS_FILE or PUT /api/v1/budgets/{name}). */
  budget: string;
  /** A key with the `read` scope, when the collector runs with BEACON_AUTH=on. */
  apiKey?: string;
  /** What one LLM call is expected to cost; the budget's unit decides which is asked. Default 0 (= "any room left?"). */
  estimate?: { usd?: number; tokens?: number };
  /** Per check; default 2000 ms. */
  timeoutMs?: number;
  /** Told about checks that failed (and were let through). */
  onError?: (error: Error) => void;
}

export interface AgentGuardOptions extends BudgetLimits {
  /** A tool called with the same arguments this many times in one run is a loop: that call is refused. */
  maxRepeatedToolCalls?: number;
  /** Budgets of each agent (by gen_ai.agent.name) within one run. */
  perAgent?: Record<string, BudgetLimits>;
  /** Wall-clock limit of one run. */
  timeoutMs?: number;
  /** A budget kept by the collector, checked before each LLM call (see RemoteBudgetOptions). */
  remoteBudget?: RemoteBudgetOptions;
}

/** What one model call reports to the run. */
export interface UsageReport {
  tokens: number;
  costUsd: number | null;
}

/** What agent(), tool() and llmCall() ask of the guarded run they are in; GuardRun (guards.ts) implements it. */
export interface ScopedGuardRun {
  readonly guard: { readonly options: Readonly<AgentGuardOptions> };
  readonly signal: AbortSignal;
  attachRoot(span: Span, abort: (error: unknown) => void): void;
  checkToolCall(toolName: string, args: unknown, span: Span): void;
  checkBudget(agentName: string | undefined): void;
  addUsage(agentName: string | undefined, usage: UsageReport): void;
}
