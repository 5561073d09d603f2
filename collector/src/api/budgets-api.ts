// /api/v1/budgets: list, read, define (PUT), delete, check ("may I spend X?") and burn-down. Definitions and spend
// are the caller's tenant's only; the evaluation and its cache live in ../budgets/service.ts.
import {
  BUDGET_NAME_PATTERN,
  budgetBodySchema,
  budgetNameSchema,
  issueText,
  toDefinition,
} from '../budgets/definition.js';
import type { BudgetService } from '../budgets/service.js';
import type {
  BudgetBurndownResponse,
  BudgetCheckResponse,
  BudgetDeleteResponse,
  BudgetListResponse,
  BudgetStatus,
} from '../contract/index.js';
import { badRequest } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { array, componentRef, nanos, nullableString, number, object, schemaRef, string } from './openapi.js';
import { type JsonSchema, nonNegativeNumber, type ParamSpec } from './params.js';
import { defineRoute, type Route } from './router.js';

const nameParam: ParamSpec<string> = {
  description: 'The budget name: 1-64 letters, digits, _ . - (starting with a letter or digit).',
  schema: { type: 'string', pattern: BUDGET_NAME_PATTERN.source },
  required: true,
  parse(raw, name) {
    const parsed = budgetNameSchema.safeParse(raw ?? '');
    if (!parsed.success) throw badRequest(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  },
};
const nameParams = { name: nameParam };

const notFoundResponse = {
  description: 'The caller’s tenant has no budget of that name.',
  content: { 'application/json': { schema: schemaRef('ApiErrorBody') } },
};
const conflictResponse = {
  description: 'The budget is defined in BEACON_BUDGETS_FILE: change it there.',
  content: { 'application/json': { schema: schemaRef('ApiErrorBody') } },
};

export interface BudgetsApiOptions {
  budgets: BudgetService;
}

export function createBudgetsApi(options: BudgetsApiOptions): ApiModule {
  const { budgets } = options;
  return {
    routes: [...budgetDefinitionRoutes(budgets), ...budgetSpendRoutes(budgets)],
    schemas: BUDGET_SCHEMAS,
  };
}

/** List, read, define and delete: the budgets themselves. */
function budgetDefinitionRoutes(budgets: BudgetService): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/budgets`,
      doc: {
        operationId: 'listBudgets',
        summary: 'Budgets and their spend in the current period',
        description:
          'Every budget of the caller’s tenant (BEACON_BUDGETS_FILE and the API’s), measured now: spend in the ' +
          'current UTC hour / day / month against the limit.',
        tags: ['budgets'],
        responses: {
          '200': { description: 'The budgets.', content: { 'application/json': componentRef('BudgetList') } },
        },
      },
      handler: async ({ storage, principal }) => {
        const response: BudgetListResponse = {
          budgets: await budgets.evaluateTenant(storage, principal.tenant),
        };
        return { json: response };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/budgets/{name}`,
      pathParams: nameParams,
      doc: {
        operationId: 'getBudget',
        summary: 'One budget and its spend in the current period',
        tags: ['budgets'],
        responses: {
          '200': {
            description: 'The budget.',
            content: { 'application/json': componentRef('BudgetStatus') },
          },
          '404': notFoundResponse,
        },
      },
      handler: async ({ storage, principal, path }) => {
        const response: BudgetStatus = await budgets.get(storage, principal.tenant, path.name);
        return { json: response };
      },
    }),

    defineRoute({
      method: 'PUT',
      path: `${API_PREFIX}/budgets/{name}`,
      pathParams: nameParams,
      doc: {
        operationId: 'putBudget',
        summary: 'Define (create or replace) a budget',
        description:
          'The whole definition; a budget of that name is replaced (its spend is measured anew, nothing is ' +
          'carried over). Scope fields are ANDed; none = every LLM call of the tenant. A tag scope counts calls of ' +
          'traces that carry the tag now.',
        tags: ['budgets'],
        requestBody: {
          description: 'The definition.',
          schema: componentRef('BudgetDefinitionRequest').schema,
        },
        responses: {
          '200': {
            description: 'The budget as now defined, measured.',
            content: { 'application/json': componentRef('BudgetStatus') },
          },
          '409': conflictResponse,
        },
      },
      handler: async ({ storage, principal, path, body }) => {
        const raw = await body();
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
          throw badRequest('body: expected a JSON object');
        const parsed = budgetBodySchema.safeParse(raw);
        if (!parsed.success) throw badRequest(issueText(parsed.error));
        if (parsed.data.name !== undefined && parsed.data.name !== path.name)
          throw badRequest(`name: ${parsed.data.name} differs from the path's ${path.name}`);
        const response: BudgetStatus = await budgets.put(
          storage,
          principal.tenant,
          toDefinition(path.name, parsed.data),
        );
        return { json: response };
      },
    }),

    defineRoute({
      method: 'DELETE',
      path: `${API_PREFIX}/budgets/{name}`,
      pathParams: nameParams,
      doc: {
        operationId: 'deleteBudget',
        summary: 'Delete a budget defined through the API',
        tags: ['budgets'],
        responses: {
          '200': {
            description: 'Deleted; its gauges disappear at the next scrape.',
            content: { 'application/json': componentRef('BudgetDeleteResponse') },
          },
          '404': notFoundResponse,
          '409': conflictResponse,
        },
      },
      handler: async ({ storage, principal, path }) => {
        await budgets.delete(storage, principal.tenant, path.name);
        const response: BudgetDeleteResponse = { budget: path.name, deleted: true };
        return { json: response };
      },
    }),
  ];
}

/** "May I spend X?" and the burn-down: what an agent asks before and while it spends. */
function budgetSpendRoutes(budgets: BudgetService): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/budgets/{name}/check`,
      pathParams: nameParams,
      query: {
        usd: nonNegativeNumber('USD the caller is about to spend (USD budgets; ignored by token budgets).'),
        tokens: nonNegativeNumber(
          'Tokens the caller is about to spend (token budgets; ignored by USD budgets).',
        ),
      },
      doc: {
        operationId: 'checkBudget',
        summary: 'May I spend this much? (fast: answered from the last evaluation)',
        description:
          'allowed = used + asked ≤ limit, where asked is `usd` or `tokens` (whichever is the budget’s unit; ' +
          'absent = 0). `used` is the last evaluation’s (at most BEACON_BUDGET_EVAL_INTERVAL_MS old; an older one is ' +
          'refreshed first), so an agent can call this before every LLM call.',
        tags: ['budgets'],
        responses: {
          '200': {
            description: 'The answer.',
            content: { 'application/json': componentRef('BudgetCheckResponse') },
          },
          '404': notFoundResponse,
        },
      },
      handler: async ({ storage, principal, path, query }) => {
        const status = await budgets.cached(storage, principal.tenant, path.name);
        const asked = (status.unit === 'usd' ? query.usd : query.tokens) ?? 0;
        const response: BudgetCheckResponse = {
          budget: status.name,
          allowed: status.used + asked <= status.limit,
          unit: status.unit,
          asked,
          used: status.used,
          limit: status.limit,
          remaining: status.remaining,
          ratio: status.ratio,
          periodStart: status.periodStart,
          periodEnd: status.periodEnd,
          evaluatedAt: status.evaluatedAt,
        };
        return { json: response };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/budgets/{name}/burndown`,
      pathParams: nameParams,
      doc: {
        operationId: 'budgetBurndown',
        summary: 'Cumulative spend over the current period and a linear forecast to its end',
        description:
          'points: cumulative spend at the end of each step (stepSeconds: 60 for hourly, 900 for daily, 21600 for ' +
          'monthly budgets) from the period start up to now. forecast: the period’s average rate so far, continued ' +
          'to the period end.',
        tags: ['budgets'],
        responses: {
          '200': {
            description: 'The burn-down.',
            content: { 'application/json': componentRef('BudgetBurndown') },
          },
          '404': notFoundResponse,
        },
      },
      handler: async ({ storage, principal, path }) => {
        const response: BudgetBurndownResponse = await budgets.burndown(storage, principal.tenant, path.name);
        return { json: response };
      },
    }),
  ];
}

const unit = { type: 'string', enum: ['usd', 'tokens'] };
const period = { type: 'string', enum: ['hour', 'day', 'month'] };
const scope = {
  ...object({ service: string, agent: string, model: string, tag: string }, [
    'service',
    'agent',
    'model',
    'tag',
  ]),
  additionalProperties: false,
  description: 'Calls matching every field given count; none = all of the tenant’s LLM calls.',
};
const point = object({ t: nanos, cumulative: number });

export const BUDGET_SCHEMAS: Record<string, JsonSchema> = {
  BudgetDefinitionRequest: {
    ...object(
      {
        limit: { ...number, exclusiveMinimum: 0, description: 'Per period, in unit.' },
        unit,
        period: { ...period, description: 'UTC calendar hour, day or month.' },
        scope,
        description: { ...string, maxLength: 500 },
        name: { ...string, description: 'Optional; must equal the path’s name.' },
      },
      ['scope', 'description', 'name'],
    ),
    additionalProperties: false,
  },
  BudgetStatus: object({
    name: string,
    limit: number,
    unit,
    period,
    scope,
    description: nullableString,
    source: { type: 'string', enum: ['file', 'api'] },
    used: { ...number, description: 'Spent in the current period (tokens = input + output).' },
    remaining: number,
    ratio: { ...number, description: 'used / limit.' },
    periodStart: nanos,
    periodEnd: nanos,
    evaluatedAt: nanos,
  }),
  BudgetList: object({ budgets: array(schemaRef('BudgetStatus')) }),
  BudgetCheckResponse: object({
    budget: string,
    allowed: { type: 'boolean', description: 'used + asked ≤ limit.' },
    unit,
    asked: number,
    used: number,
    limit: number,
    remaining: number,
    ratio: number,
    periodStart: nanos,
    periodEnd: nanos,
    evaluatedAt: nanos,
  }),
  BudgetBurndown: object({
    budget: schemaRef('BudgetStatus'),
    stepSeconds: { type: 'integer' },
    points: array(point),
    forecast: object({
      atPeriodEnd: number,
      exhaustedAt: {
        ...nullableString,
        description: 'Instant (ns) the limit is or was reached, if within the period.',
      },
      points: array(point),
    }),
  }),
  BudgetDeleteResponse: object({ budget: string, deleted: { type: 'boolean', const: true } }),
};
