// Failure categories (auto-tags set at ingest) as the UI names and colours them. The list mirrors
// @beacon/semconv's FAILURE_CATEGORIES; the Record type makes the compiler flag a category added there.
//
// `loop` is in that list for historical reasons but is a WARNING, never a failure (issue 17): it is shown apart,
// in the warning colour (orange, which no failure category uses) with a warning icon, and never in error counts.
import type { FailureCategory, Finding } from '@beacon/collector/api-contract';
import type { BadgeColor, IconName } from '@grafana/ui';

export const FAILURE_LABELS: Record<FailureCategory, string> = {
  rate_limit: 'Rate limit',
  context_overflow: 'Context overflow',
  tool_failure: 'Tool failure',
  timeout: 'Timeout',
  auth: 'Auth',
  loop: 'Loop',
  other: 'Other error',
};

/** Every category, failures first, then the warning (loop). */
export const FAILURE_CATEGORIES = Object.keys(FAILURE_LABELS) as FailureCategory[];

/** Categories that are warnings, not failures. */
export const WARNING_CATEGORIES: readonly FailureCategory[] = ['loop'];

export function isWarningCategory(category: string): boolean {
  return WARNING_CATEGORIES.includes(category as FailureCategory);
}

/** The categories that are failures (everything but the warnings). */
export const ERROR_CATEGORIES = FAILURE_CATEGORIES.filter((c) => !isWarningCategory(c));

/** Orange is the warning colour: no failure uses it, so a Loop badge never reads as an error. */
export const WARNING_COLOR: BadgeColor = 'orange';
export const WARNING_ICON: IconName = 'exclamation-triangle';

const FAILURE_COLORS: Record<FailureCategory, BadgeColor> = {
  rate_limit: 'purple',
  context_overflow: 'purple',
  tool_failure: 'red',
  timeout: 'red',
  auth: 'red',
  loop: WARNING_COLOR,
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

/** A warning icon for warning categories, none for failures. */
export function failureIcon(category: string): IconName | undefined {
  return isWarningCategory(category) ? WARNING_ICON : undefined;
}

/** How a loop warning is explained wherever it is shown (the definition the analyses state). */
export const LOOP_WARNING_TITLE =
  'Warning, not a failure: 3 or more calls with the same name and identical input under one parent. ' +
  'A tool called repeatedly with different arguments is not a loop.';

export const SEVERITY_COLORS: Record<Finding['severity'], BadgeColor> = {
  critical: 'red',
  warning: 'orange',
  info: 'blue',
};
