// BEACON_BUDGETS_FILE: budgets kept in version control next to the deployment, read once at start-up.
//
//   { "budgets": [
//       { "name": "daily-llm", "limit": 50, "unit": "usd", "period": "day" },
//       { "name": "acme-gpt4o", "tenant": "acme", "limit": 2000000, "unit": "tokens", "period": "month",
//         "scope": { "model": "gpt-4o" } } ] }
//
// Entries without `tenant` belong to the default tenant. A file that cannot be read or holds one invalid entry stops
// start-up with one line naming the file and the entry's field: a budget silently skipped is spend nobody watches.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import type { BudgetDefinition } from '../contract/index.js';
import { DEFAULT_TENANT, TENANT_ID_PATTERN } from '../model.js';
import { fileBudgetSchema, issueText, toDefinition } from './definition.js';

const fileSchema = z.strictObject(
  { budgets: z.array(fileBudgetSchema, { error: 'expected an array of budgets' }) },
  { error: 'expected an object {"budgets": [...]}' },
);

/** Tenant → its budgets from the file. */
export type FileBudgets = ReadonlyMap<string, readonly BudgetDefinition[]>;

/** Parses the file's JSON text; throws an Error whose message names the entry and field at fault. */
export function parseBudgetsFile(json: unknown): FileBudgets {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new Error(issueText(parsed.error).replace(/^body: /, ''));
  const byTenant = new Map<string, BudgetDefinition[]>();
  for (const [index, entry] of parsed.data.budgets.entries()) {
    const tenant = entry.tenant ?? DEFAULT_TENANT;
    if (!TENANT_ID_PATTERN.test(tenant))
      throw new Error(`budgets.${index}.tenant: expected a tenant id (${TENANT_ID_PATTERN.source})`);
    const list = byTenant.get(tenant) ?? [];
    if (list.some((b) => b.name === entry.name))
      throw new Error(`budgets.${index}.name: ${entry.name} is defined twice for tenant ${tenant}`);
    list.push(toDefinition(entry.name, entry));
    byTenant.set(tenant, list);
  }
  return byTenant;
}

export async function loadBudgetsFile(path: string | undefined): Promise<FileBudgets> {
  if (!path) return new Map();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read BEACON_BUDGETS_FILE ${path}: ${(err as Error).message}`);
  }
  try {
    return parseBudgetsFile(JSON.parse(text));
  } catch (err) {
    throw new ConfigError(`invalid BEACON_BUDGETS_FILE ${path}: ${(err as Error).message}`);
  }
}
