// Failure categories (auto-tags set at ingest) as the UI names and colours them. The list mirrors
// @beacon/semconv's FAILURE_CATEGORIES; the Record type makes the compiler flag a category added there.
import type { FailureCategory, Finding } from '@beacon/collector/api-contract';
import type { BadgeColor } from '@grafana/ui';

export const FAILURE_LABELS: Record<FailureCategory, string> = {
  rate_limit: 'Rate limit',
  context_overflow: 'Context overflow',
  tool_failure: 'Tool failure',
  timeout: 'Timeout',
  auth: 'Auth',
  loop: 'Loop',
  other: 'Other error',
};

export const FAILURE_CATEGORIES = Object.keys(FAILURE_LABELS) as FailureCategory[];

const FAILURE_COLORS: Record<FailureCategory, BadgeColor> = {
  rate_limit: 'orange',
  context_overflow: 'purple',
  tool_failure: 'red',
  timeout: 'orange',
  auth: 'red',
  loop: 'purple',
  other: 'darkgrey',
};

export function isFailureCategory(value: string): value is FailureCategory {
  return Object.hasOwn(FAILURE_LABELS, value);
}

export function failureLabel(category: string): string {
  return isFailureCategory(category) ? FAILURE_LABELS[category] : category;
}

export function failureColor(category: string): BadgeColor {
  return isFailureCategory(category) ? FAILURE_COLORS[category] : 'darkgrey';
}

export const SEVERITY_COLORS: Record<Finding['severity'], BadgeColor> = {
  critical: 'red',
  warning: 'orange',
  info: 'blue',
};
