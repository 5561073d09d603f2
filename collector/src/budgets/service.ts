// Budget evaluation: every BEACON_BUDGET_EVAL_INTERVAL_MS each tenant's budgets are measured against the spend rollup
// and the results cached. The cache feeds the Prometheus gauges (what the alert rules watch) and answers
// GET /budgets/{name}/check without a query while it is fresh, so an agent can ask before every LLM call.
import { Gauge, type OpenMetricsContentType, type Registry } from 'prom-client';
import type {
  BudgetBurndownResponse,
  BudgetDefinition,
  BudgetDefinitionRequest,
  BudgetStatus,
  BurndownPoint,
} from '../contract/index.js';
import { conflict, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { DEFAULT_TENANT } from '../model.js';
import {
  listStoredBudgets,
  spendBetween,
  spendByBucket,
  writeBudgetVersion,
} from '../storage/queries/budgets.js';
import type { QueryContext } from '../storage/queries/index.js';
import { budgetBodySchema, toDefinition } from './definition.js';
import type { FileBudgets } from './file.js';
import { burndownStepSeconds, msToNanosText, periodBounds } from './period.js';

export interface BudgetServiceOptions {
  /** The tenant's tables (created and migrated on first use). */
  storageFor(tenant: string): Promise<QueryContext>;
  /** Tenants whose databases exist, besides the default one (see TenantDatabases.known). */
  knownTenants(): Promise<string[]>;
  fileBudgets: FileBudgets;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
}

interface Defined {
  definition: BudgetDefinition;
  source: BudgetStatus['source'];
}

interface Cached {
  status: BudgetStatus;
  atMs: number;
}

export class BudgetService {
  readonly #options: BudgetServiceOptions;
  readonly #now: () => number;
  /** tenant → budget name → last evaluation. */
  readonly #cache = new Map<string, Map<string, Cached>>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: BudgetServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Evaluates now, then every interval until stop(). */
  start(): void {
    this.#stopped = false;
    const tick = async () => {
      await this.evaluateAll();
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.intervalMs).unref();
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One evaluation of every tenant that may have budgets; a failing tenant is logged and keeps its last results. */
  evaluateAll(): Promise<void> {
    this.#running ??= (async () => {
      try {
        const tenants = new Set([DEFAULT_TENANT, ...this.#options.fileBudgets.keys()]);
        for (const tenant of await this.#options.knownTenants()) tenants.add(tenant);
        for (const tenant of tenants) {
          if (this.#stopped) return;
          try {
            await this.evaluateTenant(await this.#options.storageFor(tenant), tenant);
          } catch (err) {
            this.#options.logger.warn({ err, tenant }, 'budget evaluation failed');
          }
        }
      } catch (err) {
        this.#options.logger.warn({ err }, 'budget evaluation failed: tenants unknown');
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** Every budget of the tenant, measured now (and cached). */
  async evaluateTenant(ctx: QueryContext, tenant: string): Promise<BudgetStatus[]> {
    const defined = await this.#definitions(ctx, tenant);
    const statuses = await Promise.all(defined.map((d) => this.#measure(ctx, d)));
    const atMs = this.#now();
    this.#cache.set(tenant, new Map(statuses.map((status) => [status.name, { status, atMs }])));
    return statuses;
  }

  /** The budget measured now; 404 when the tenant has no such budget. */
  async get(ctx: QueryContext, tenant: string, name: string): Promise<BudgetStatus> {
    const defined = (await this.#definitions(ctx, tenant)).find((d) => d.definition.name === name);
    if (!defined) {
      this.#cache.get(tenant)?.delete(name);
      throw notFound(`budget ${name} not found`);
    }
    const status = await this.#measure(ctx, defined);
    this.#remember(tenant, status);
    return status;
  }

  /** From the cache while it is younger than the evaluation interval, else measured now. */
  async cached(ctx: QueryContext, tenant: string, name: string): Promise<BudgetStatus> {
    const hit = this.#cache.get(tenant)?.get(name);
    if (hit && this.#now() - hit.atMs < this.#options.intervalMs) {
      // A period that ended since the evaluation starts again from zero: never answer from the old period.
      if (this.#now() < Number(BigInt(hit.status.periodEnd) / 1_000_000n)) return hit.status;
    }
    return this.get(ctx, tenant, name);
  }

  /** Creates or replaces an API budget (409 for a budget of BEACON_BUDGETS_FILE). */
  async put(ctx: QueryContext, tenant: string, definition: BudgetDefinition): Promise<BudgetStatus> {
    this.#refuseFileBudget(tenant, definition.name);
    // Stored in the request's shape, so reading it back goes through the same validation as a PUT.
    const { name, description, ...fields } = definition;
    const stored: BudgetDefinitionRequest = description === null ? fields : { ...fields, description };
    await writeBudgetVersion(ctx, name, JSON.stringify(stored));
    const status = await this.#measure(ctx, { definition, source: 'api' });
    this.#remember(tenant, status);
    return status;
  }

  /** Deletes an API budget: a tombstone version (404 when there is none, 409 for a file budget). */
  async delete(ctx: QueryContext, tenant: string, name: string): Promise<void> {
    this.#refuseFileBudget(tenant, name);
    const stored = await listStoredBudgets(ctx);
    if (!stored.some((row) => row.name === name)) throw notFound(`budget ${name} not found`);
    await writeBudgetVersion(ctx, name, null);
    this.#cache.get(tenant)?.delete(name);
  }

  /** Cumulative spend per step since the period start, and the linear forecast to its end. */
  async burndown(ctx: QueryContext, tenant: string, name: string): Promise<BudgetBurndownResponse> {
    const budget = await this.get(ctx, tenant, name);
    const startMs = Number(BigInt(budget.periodStart) / 1_000_000n);
    const endMs = Number(BigInt(budget.periodEnd) / 1_000_000n);
    const nowMs = Number(BigInt(budget.evaluatedAt) / 1_000_000n);
    const stepSeconds = burndownStepSeconds(budget.period);
    const buckets = await spendByBucket(ctx, { scope: budget.scope, startMs, endMs, stepSeconds });
    const amount = (spend: { usd: number; tokens: number }) =>
      budget.unit === 'usd' ? spend.usd : spend.tokens;

    // A point at the end of each step up to now: the spend of every bucket that started before it.
    const points: BurndownPoint[] = [{ t: budget.periodStart, cumulative: 0 }];
    let cumulative = 0;
    let next = 0;
    const stepMs = stepSeconds * 1000;
    for (let t = startMs + stepMs; ; t += stepMs) {
      const at = Math.min(t, nowMs);
      while (next < buckets.length && buckets[next]!.bucket * 1000 < at)
        cumulative += amount(buckets[next++]!);
      points.push({ t: msToNanosText(at), cumulative });
      if (at >= nowMs) break;
    }
    // Spend stamped after now (clock skew) still counts: the last point is the budget's `used`.
    points[points.length - 1]!.cumulative = budget.used;

    const elapsedMs = Math.max(nowMs - startMs, 1);
    const rate = budget.used / elapsedMs;
    const atPeriodEnd = budget.used + rate * (endMs - nowMs);
    let exhaustedAt: string | null = null;
    if (budget.used >= budget.limit) {
      exhaustedAt = points.find((p) => p.cumulative >= budget.limit)?.t ?? budget.evaluatedAt;
    } else if (rate > 0) {
      const atMs = nowMs + (budget.limit - budget.used) / rate;
      if (atMs < endMs) exhaustedAt = msToNanosText(atMs);
    }
    return {
      budget,
      stepSeconds,
      points,
      forecast: {
        atPeriodEnd,
        exhaustedAt,
        points: [
          { t: budget.evaluatedAt, cumulative: budget.used },
          { t: budget.periodEnd, cumulative: atPeriodEnd },
        ],
      },
    };
  }

  /** The gauges the alert rules read, filled from the cache at each scrape. */
  registerMetrics(registry: Registry<OpenMetricsContentType>): void {
    const each = (fn: (tenant: string, status: BudgetStatus) => void) => {
      for (const [tenant, budgets] of this.#cache)
        for (const { status } of budgets.values()) fn(tenant, status);
    };
    new Gauge({
      name: 'beacon_budget_used_ratio',
      help: 'Spend of the budget’s current period divided by its limit (1 = exhausted), as last evaluated.',
      labelNames: ['budget', 'tenant'],
      registers: [registry],
      collect() {
        this.reset();
        each((tenant, s) => this.set({ budget: s.name, tenant }, s.ratio));
      },
    });
    new Gauge({
      name: 'beacon_budget_used',
      help: 'Spend of the budget’s current period, in its unit (usd or tokens).',
      labelNames: ['budget', 'tenant', 'unit'],
      registers: [registry],
      collect() {
        this.reset();
        each((tenant, s) => this.set({ budget: s.name, tenant, unit: s.unit }, s.used));
      },
    });
    new Gauge({
      name: 'beacon_budget_limit',
      help: 'The budget’s limit per period, in its unit (usd or tokens).',
      labelNames: ['budget', 'tenant', 'unit'],
      registers: [registry],
      collect() {
        this.reset();
        each((tenant, s) => this.set({ budget: s.name, tenant, unit: s.unit }, s.limit));
      },
    });
  }

  #refuseFileBudget(tenant: string, name: string): void {
    if (this.#options.fileBudgets.get(tenant)?.some((b) => b.name === name))
      throw conflict(`budget ${name} is defined in BEACON_BUDGETS_FILE; change it there`);
  }

  #remember(tenant: string, status: BudgetStatus): void {
    let budgets = this.#cache.get(tenant);
    if (!budgets) {
      budgets = new Map();
      this.#cache.set(tenant, budgets);
    }
    budgets.set(status.name, { status, atMs: this.#now() });
  }

  /** The file's budgets, then the stored ones (a stored version under a file budget's name is ignored). */
  async #definitions(ctx: QueryContext, tenant: string): Promise<Defined[]> {
    const fromFile = this.#options.fileBudgets.get(tenant) ?? [];
    const out: Defined[] = fromFile.map((definition) => ({ definition, source: 'file' }));
    for (const row of await listStoredBudgets(ctx)) {
      if (fromFile.some((b) => b.name === row.name)) continue;
      const parsed = budgetBodySchema.safeParse(safeJson(row.definition));
      if (!parsed.success) {
        this.#options.logger.warn({ tenant, budget: row.name }, 'stored budget definition invalid: skipped');
        continue;
      }
      out.push({ definition: toDefinition(row.name, parsed.data), source: 'api' });
    }
    return out.sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  }

  async #measure(ctx: QueryContext, { definition, source }: Defined): Promise<BudgetStatus> {
    const nowMs = this.#now();
    const { startMs, endMs } = periodBounds(definition.period, nowMs);
    const spend = await spendBetween(ctx, { scope: definition.scope, startMs, endMs });
    const used = definition.unit === 'usd' ? roundUsd(spend.usd) : spend.tokens;
    return {
      ...definition,
      source,
      used,
      remaining: Math.max(definition.limit - used, 0),
      ratio: used / definition.limit,
      periodStart: msToNanosText(startMs),
      periodEnd: msToNanosText(endMs),
      evaluatedAt: msToNanosText(nowMs),
    };
  }
}

/** Float sums of costs carry noise in their last bits (summation order): 1e-10 USD is plenty. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
