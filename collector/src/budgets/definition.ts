// What a budget is, and the one validation every source goes through (BEACON_BUDGETS_FILE and PUT /budgets/{name}),
// so a definition the API accepts is one the file accepts and the reverse.
import { z } from 'zod';
import type { BudgetDefinition, BudgetPeriod, BudgetScope, BudgetUnit } from '../contract/index.js';
import { hasControlCharacters } from '../storage/queries/context.js';

export const BUDGET_UNITS: readonly BudgetUnit[] = ['usd', 'tokens'];
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['hour', 'day', 'month'];

/**
 * A budget's name is a URL path segment and a Prometheus label value: kept to a short, plain alphabet so both are
 * readable as written.
 */
export const BUDGET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const NAME_RULE = 'expected 1-64 letters, digits, _ . - (starting with a letter or digit)';
const MAX_SCOPE_VALUE = 200;
const MAX_DESCRIPTION = 500;

const scopeValue = z
  .string()
  .min(1, 'expected a non-empty string')
  .max(MAX_SCOPE_VALUE, `expected at most ${MAX_SCOPE_VALUE} characters`)
  // A control character can only be a mistake here, and would make the scope impossible to show.
  .refine((value) => !hasControlCharacters(value), 'control characters are not allowed');

const scopeSchema = z.strictObject(
  {
    service: scopeValue.optional(),
    agent: scopeValue.optional(),
    model: scopeValue.optional(),
    tag: scopeValue.optional(),
  },
  { error: 'expected an object with service, agent, model and/or tag' },
);

export const budgetNameSchema = z.string().regex(BUDGET_NAME_PATTERN, NAME_RULE);

/** The fields of a definition besides its name (the API takes the name from the path). */
const bodyFields = {
  limit: z
    .number({ error: 'expected a number' })
    .positive('expected a number > 0')
    .refine(Number.isFinite, 'expected a finite number'),
  unit: z.enum(BUDGET_UNITS, { error: `expected one of ${BUDGET_UNITS.join(', ')}` }),
  period: z.enum(BUDGET_PERIODS, { error: `expected one of ${BUDGET_PERIODS.join(', ')}` }),
  scope: scopeSchema.optional(),
  description: z.string().max(MAX_DESCRIPTION, `expected at most ${MAX_DESCRIPTION} characters`).optional(),
};

export const budgetBodySchema = z.strictObject({ ...bodyFields, name: budgetNameSchema.optional() });
export const fileBudgetSchema = z.strictObject({
  ...bodyFields,
  name: budgetNameSchema,
  tenant: z.string().optional(),
});

/** The first issue of a failed parse as `field.path: message`. */
export function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.map(String).join('.');
  // Unknown keys: name them, since the path of the issue is their parent.
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
  return `${where || 'body'}: ${message}`;
}

/** Drops empty scope fields so that `{}` and absent compare equal. */
function normalizeScope(scope: BudgetScope | undefined): BudgetScope {
  const out: BudgetScope = {};
  for (const key of ['service', 'agent', 'model', 'tag'] as const) {
    const value = scope?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function toDefinition(
  name: string,
  fields: z.output<typeof budgetBodySchema> | z.output<typeof fileBudgetSchema>,
): BudgetDefinition {
  return {
    name,
    limit: fields.limit,
    unit: fields.unit,
    period: fields.period,
    scope: normalizeScope(fields.scope),
    description: fields.description ?? null,
  };
}

/** A short text of what the budget counts, for logs and errors: `service=shop, model=gpt-4o` or `all calls`. */
export function describeScope(scope: BudgetScope): string {
  const parts = Object.entries(scope).map(([key, value]) => `${key}=${value}`);
  return parts.length > 0 ? parts.join(', ') : 'all calls';
}
