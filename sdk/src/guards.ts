// AgentGuard: stops a run that loops on a tool, burns through its token or cost budget, or overruns its
// wall-clock limit. Each trigger raises a typed GuardError, adds a `beacon.guard.triggered` event to the span
// where it was observed and marks that span's error.type, so it shows in traces and (through the collector's
// beacon_guard_triggered_total) in metrics.
import { BEACON_GUARD_ATTRIBUTES, BEACON_GUARD_EVENT } from '@beacon/semconv';
import { type Attributes, type Span, trace } from '@opentelemetry/api';
import type {
  AgentGuardOptions,
  BudgetLimits,
  RemoteBudgetOptions,
  ScopedGuardRun,
  UsageReport,
} from './guard-types.js';
import { currentScope, withScope } from './scope.js';
import { recordError } from './spans.js';

export type { AgentGuardOptions, BudgetLimits, RemoteBudgetOptions, UsageReport } from './guard-types.js';

/** Span event and attribute names of a guard trigger, shared with the collector that counts the event. */
export const GUARD_EVENT = BEACON_GUARD_EVENT;
export const GUARD_ATTRIBUTES = BEACON_GUARD_ATTRIBUTES;

export type GuardName = 'loop' | 'token_budget' | 'cost_budget' | 'timeout';

export class GuardError extends Error {
  readonly guard: GuardName;
  readonly limit: number;
  readonly observed: number;
  constructor(guard: GuardName, message: string, limit: number, observed: number) {
    super(message);
    this.name = new.target.name;
    this.guard = guard;
    this.limit = limit;
    this.observed = observed;
  }
}

export class LoopDetectedError extends GuardError {
  readonly toolName: string;
  constructor(toolName: string, limit: number) {
    super(
      'loop',
      `tool "${toolName}" called ${limit} times with the same arguments in one run`,
      limit,
      limit,
    );
    this.toolName = toolName;
  }
}

export class BudgetExceededError extends GuardError {
  /** `remote`: the collector's budget (remoteBudget) refused the call; see RemoteBudgetExceededError. */
  readonly scope: 'run' | 'agent' | 'remote';
  readonly agentName: string | undefined;
  constructor(
    guard: 'token_budget' | 'cost_budget',
    scope: 'run' | 'agent' | 'remote',
    agentName: string | undefined,
    limit: number,
    observed: number,
  ) {
    const what = guard === 'token_budget' ? `${observed} tokens` : `$${observed.toFixed(6)}`;
    const whose = scope === 'run' ? 'the run' : `agent "${agentName}"`;
    super(guard, `${whose} used ${what}, over its budget of ${limit}`, limit, observed);
    this.scope = scope;
    this.agentName = agentName;
  }
}

/** What the collector answered to GET /api/v1/budgets/{name}/check. */
export interface RemoteBudgetCheck {
  budget: string;
  allowed: boolean;
  unit: 'usd' | 'tokens';
  asked: number;
  used: number;
  limit: number;
  remaining: number;
  ratio: number;
  /** Nanoseconds since the epoch, decimal. */
  periodStart: string;
  periodEnd: string;
  evaluatedAt: string;
}

/** The collector's budget (remoteBudget) has no room for the next call. */
export class RemoteBudgetExceededError extends BudgetExceededError {
  readonly budget: string;
  readonly check: RemoteBudgetCheck;
  constructor(check: RemoteBudgetCheck) {
    super(
      check.unit === 'usd' ? 'cost_budget' : 'token_budget',
      'remote',
      undefined,
      check.limit,
      check.used,
    );
    const amount = (n: number) => (check.unit === 'usd' ? `$${n.toFixed(6)}` : `${n} tokens`);
    this.message =
      `budget "${check.budget}" has used ${amount(check.used)} of ${amount(check.limit)} this period; ` +
      `no room for ${amount(check.asked)} more`;
    this.budget = check.budget;
    this.check = check;
  }
}

export class AgentTimeoutError extends GuardError {
  constructor(limitMs: number, observedMs: number) {
    super('timeout', `run exceeded its ${limitMs} ms time limit`, limitMs, observedMs);
  }
}

interface Totals {
  tokens: number;
  costUsd: number;
}

/**
 * JSON with object keys sorted, so that `{a,b}` and `{b,a}` are the same arguments. Hand-written: ten lines
 * beat a dependency for canonical JSON of plain argument objects.
 */
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

function trigger(span: Span | undefined, error: GuardError, extra: Attributes = {}): void {
  if (!span?.isRecording()) return;
  span.addEvent(GUARD_EVENT, {
    [GUARD_ATTRIBUTES.NAME]: error.guard,
    [GUARD_ATTRIBUTES.LIMIT]: error.limit,
    [GUARD_ATTRIBUTES.OBSERVED]: error.observed,
    ...extra,
  });
}

/** The state of one guarded run: call counts, totals, the deadline. */
export class GuardRun implements ScopedGuardRun {
  readonly guard: AgentGuard;
  readonly #controller = new AbortController();
  readonly #toolCalls = new Map<string, number>();
  readonly #total: Totals = { tokens: 0, costUsd: 0 };
  readonly #byAgent = new Map<string, Totals>();
  #root: { span: Span; abort: (error: unknown) => void } | undefined;
  /** The collector's last answer for remoteBudget; undefined until one arrived (or when every check failed). */
  #remoteCheck: RemoteBudgetCheck | undefined;
  #remoteRefresh: Promise<void> | undefined;

  constructor(guard: AgentGuard) {
    this.guard = guard;
  }

  /** Aborted when the run times out: pass it to fetch / provider SDKs so abandoned work stops. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get totals(): Readonly<Totals> {
    return this.#total;
  }

  /** The first agent/workflow span of the run: where a timeout is recorded. */
  attachRoot(span: Span, abort: (error: unknown) => void): void {
    this.#root ??= { span, abort };
  }

  /** Counts a tool call; throws LoopDetectedError (event on `span`) at the N-th identical one. */
  checkToolCall(toolName: string, args: unknown, span: Span): void {
    const limit = this.guard.options.maxRepeatedToolCalls;
    if (limit === undefined) return;
    const key = `${toolName}\u0000${canonicalJson(args)}`;
    const count = (this.#toolCalls.get(key) ?? 0) + 1;
    this.#toolCalls.set(key, count);
    if (count >= limit) {
      const error = new LoopDetectedError(toolName, limit);
      trigger(span, error, { [GUARD_ATTRIBUTES.TOOL]: toolName });
      throw error;
    }
  }

  /** Refuses a model call when a budget it would count against is already spent (no new span is started). */
  checkBudget(agentName: string | undefined): void {
    this.#enforce(agentName, trace.getActiveSpan());
    const check = this.#remoteCheck;
    if (check && !check.allowed) {
      const error = new RemoteBudgetExceededError(check);
      trigger(trace.getActiveSpan(), error, { [GUARD_ATTRIBUTES.SCOPE]: 'remote' });
      throw error;
    }
    // Model calls are synchronous to start, a check is not: the next call sees the answer asked for now.
    void this.refreshRemoteBudget();
  }

  /**
   * Asks the collector about remoteBudget now (one request at a time). The guard does this when a run starts and
   * before each model call; await it yourself before a call that must see the very latest spend. Never throws.
   */
  refreshRemoteBudget(): Promise<void> {
    const options = this.guard.options.remoteBudget;
    if (!options) return Promise.resolve();
    this.#remoteRefresh ??= askCollector(options)
      .then(
        (check) => {
          this.#remoteCheck = check;
        },
        (error: Error) => options.onError?.(error),
      )
      .finally(() => {
        this.#remoteRefresh = undefined;
      });
    return this.#remoteRefresh;
  }

  /** The collector's last answer about remoteBudget, if one arrived. */
  get remoteBudget(): Readonly<RemoteBudgetCheck> | undefined {
    return this.#remoteCheck;
  }

  /** Adds a model call's usage; throws BudgetExceededError when that crosses a budget. */
  addUsage(agentName: string | undefined, usage: UsageReport): void {
    this.#total.tokens += usage.tokens;
    this.#total.costUsd += usage.costUsd ?? 0;
    if (agentName !== undefined) {
      const totals = this.#byAgent.get(agentName) ?? { tokens: 0, costUsd: 0 };
      totals.tokens += usage.tokens;
      totals.costUsd += usage.costUsd ?? 0;
      this.#byAgent.set(agentName, totals);
    }
    this.#enforce(agentName, trace.getActiveSpan() ?? this.#root?.span);
  }

  #enforce(agentName: string | undefined, span: Span | undefined): void {
    const options = this.guard.options;
    const checks: [BudgetLimits | undefined, Totals | undefined, 'run' | 'agent'][] = [
      [options, this.#total, 'run'],
      [
        agentName === undefined ? undefined : options.perAgent?.[agentName],
        this.#byAgent.get(agentName ?? ''),
        'agent',
      ],
    ];
    for (const [limits, totals, scope] of checks) {
      if (!limits || !totals) continue;
      let error: BudgetExceededError | undefined;
      if (limits.maxTokens !== undefined && totals.tokens > limits.maxTokens) {
        error = new BudgetExceededError('token_budget', scope, agentName, limits.maxTokens, totals.tokens);
      } else if (limits.maxCostUsd !== undefined && totals.costUsd > limits.maxCostUsd) {
        error = new BudgetExceededError('cost_budget', scope, agentName, limits.maxCostUsd, totals.costUsd);
      }
      if (error) {
        const extra: Attributes = { [GUARD_ATTRIBUTES.SCOPE]: scope };
        if (agentName !== undefined) extra[GUARD_ATTRIBUTES.AGENT] = agentName;
        trigger(span, error, extra);
        throw error;
      }
    }
  }

  /** Fails the run on its deadline: event + error on the root span (which ends), signal aborted. */
  timeOut(limitMs: number, observedMs: number): AgentTimeoutError {
    const error = new AgentTimeoutError(limitMs, observedMs);
    const span = this.#root?.span;
    trigger(span, error);
    if (this.#root) this.#root.abort(error);
    else if (span?.isRecording()) recordError(span, error);
    this.#controller.abort(error);
    return error;
  }
}

/**
 * Limits for agent runs. `guard.run(fn)` runs `fn` as one run: every agent(), tool() and llmCall() inside it
 * (however deeply nested, across awaits) counts against the limits.
 *
 * ```ts
 * const guard = new AgentGuard({ maxRepeatedToolCalls: 3, maxTokens: 50_000, timeoutMs: 60_000 });
 * await guard.run(() => agent('support', () => handle(ticket)));
 * ```
 */
export class AgentGuard {
  readonly options: Readonly<AgentGuardOptions>;

  constructor(options: AgentGuardOptions = {}) {
    this.options = { ...options };
  }

  /**
   * Runs `fn` as one guarded run. Inside a run of this same guard, `fn` simply joins it. On timeout the returned
   * promise rejects with AgentTimeoutError and `signal` aborts; the work itself cannot be cancelled from outside.
   */
  async run<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>): Promise<Awaited<T>> {
    const scope = currentScope();
    if (scope.run?.guard === this) return await fn(scope.run.signal);
    const run = new GuardRun(this);
    // The first model call of the run is checked against the collector's answer, not let through unasked.
    if (this.options.remoteBudget) await run.refreshRemoteBudget();
    const work = withScope({ ...scope, run }, () => Promise.resolve().then(() => fn(run.signal)));
    const timeoutMs = this.options.timeoutMs;
    if (timeoutMs === undefined) return (await work) as Awaited<T>;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(run.timeOut(timeoutMs, Math.round(performance.now() - started))),
        timeoutMs,
      );
    });
    try {
      return (await Promise.race([work, deadline])) as Awaited<T>;
    } finally {
      clearTimeout(timer);
      work.catch(() => {}); // the abandoned work's own failure, after a timeout, has no one to report to
    }
  }

  /** `fn` as a function whose every call is one guarded run. */
  wrap<A extends unknown[], T>(fn: (...args: A) => T | PromiseLike<T>): (...args: A) => Promise<Awaited<T>> {
    return (...args: A) => this.run(() => fn(...args));
  }
}

/** The guarded run the caller is in, if any. */
export function currentRun(): GuardRun | undefined {
  // Only AgentGuard.run puts a run in scope, and what it puts there is a GuardRun.
  return currentScope().run as GuardRun | undefined;
}

/** GET {url}/api/v1/budgets/{budget}/check; rejects on network errors, timeouts and non-200 answers. */
async function askCollector(options: RemoteBudgetOptions): Promise<RemoteBudgetCheck> {
  const query = new URLSearchParams();
  if (options.estimate?.usd !== undefined) query.set('usd', String(options.estimate.usd));
  if (options.estimate?.tokens !== undefined) query.set('tokens', String(options.estimate.tokens));
  const base = options.url.replace(/\/+$/, '');
  const url = `${base}/api/v1/budgets/${encodeURIComponent(options.budget)}/check?${query}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
    });
  } catch (err) {
    throw new Error(`budget check of "${options.budget}" failed: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.text();
  if (res.status !== 200) {
    // The collector's error body says why (unknown budget, key without the read scope); never the key itself.
    throw new Error(`budget check of "${options.budget}" answered ${res.status}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text) as RemoteBudgetCheck;
}
