import type { BudgetScope, BudgetUnit } from '@beacon/collector/api-contract';
import { formatCost, formatTokens } from '../../utils/format';

export function formatAmount(value: number, unit: BudgetUnit): string {
  return unit === 'usd' ? formatCost(value) : `${formatTokens(value)} tokens`;
}

/** `service=shop · model=gpt-4o`, or "all LLM calls" for an empty scope. */
export function formatScope(scope: BudgetScope): string {
  const parts = (['service', 'agent', 'model', 'tag'] as const)
    .filter((key) => scope[key] !== undefined)
    .map((key) => `${key}=${scope[key]}`);
  return parts.length > 0 ? parts.join(' · ') : 'all LLM calls';
}

export type UseLevel = 'ok' | 'high' | 'critical' | 'exhausted';

/** The bands the alert rules use: 75%, 90%, 100%. */
export function levelOf(ratio: number): UseLevel {
  if (ratio >= 1) return 'exhausted';
  if (ratio >= 0.9) return 'critical';
  if (ratio >= 0.75) return 'high';
  return 'ok';
}
