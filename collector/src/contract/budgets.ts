// Response and request types of the budgets API (/api/v1/budgets), shared with the Grafana plugin and the SDK's
// budget guard through the contract's index.ts. Instants are nanoseconds since the epoch as decimal strings, as everywhere.

export type BudgetUnit = 'usd' | 'tokens';
export type BudgetPeriod = 'hour' | 'day' | 'month';

/** What a budget counts: spend of LLM calls matching every field given (none = all of the tenant's calls). */
export interface BudgetScope {
  service?: string;
  agent?: string;
  /** The response model, else the request model. */
  model?: string;
  /** A trace tag (PUT /traces/{id}/tags): calls of traces currently carrying it. */
  tag?: string;
}

/** PUT /budgets/{name}: the whole definition (the name comes from the path). */
export interface BudgetDefinitionRequest {
  limit: number;
  unit: BudgetUnit;
  period: BudgetPeriod;
  scope?: BudgetScope;
  description?: string;
}

export interface BudgetDefinition extends Required<Omit<BudgetDefinitionRequest, 'description'>> {
  name: string;
  description: string | null;
}

/** A budget and its spend over the current period (UTC). */
export interface BudgetStatus extends BudgetDefinition {
  /** `file` (BEACON_BUDGETS_FILE, read-only through the API) or `api`. */
  source: 'file' | 'api';
  /** Spent in the current period, in `unit` (tokens = input + output). */
  used: number;
  remaining: number;
  /** used / limit. */
  ratio: number;
  periodStart: string;
  periodEnd: string;
  /** When `used` was computed. */
  evaluatedAt: string;
}

export interface BudgetListResponse {
  budgets: BudgetStatus[];
}

/** GET /budgets/{name}/check: may the caller spend `asked` more? */
export interface BudgetCheckResponse {
  budget: string;
  allowed: boolean;
  unit: BudgetUnit;
  asked: number;
  used: number;
  limit: number;
  remaining: number;
  ratio: number;
  periodStart: string;
  periodEnd: string;
  evaluatedAt: string;
}

export interface BurndownPoint {
  /** Instant (ns). */
  t: string;
  /** Spent from the period start up to `t`. */
  cumulative: number;
}

/** GET /budgets/{name}/burndown: cumulative spend over the current period and a linear forecast to its end. */
export interface BudgetBurndownResponse {
  budget: BudgetStatus;
  stepSeconds: number;
  /** One point per step from the period start up to now (the last one at evaluatedAt). */
  points: BurndownPoint[];
  forecast: {
    /** Spend at the period end if the period's average rate so far continues. */
    atPeriodEnd: number;
    /** When the forecast reaches the limit within the period (or when spend crossed it), else null. */
    exhaustedAt: string | null;
    /** From now to the period end: [now, end]. */
    points: BurndownPoint[];
  };
}

export interface BudgetDeleteResponse {
  budget: string;
  deleted: true;
}
