// A trace's steps, for comparing two runs of the same task: its spans in one deterministic order, each named by
// what it did, and an edit-distance alignment of two such sequences.
import { type SpanView, STEP_TEXT_MAX_CHARS, type StepEdit } from '../contract/index.js';
import { isInference, isToolCall, modelOf } from './failures.js';
import { quoted } from './format.js';
import { type SpanTree, startNs } from './span-tree.js';

export interface Step {
  span: SpanView;
  /** What the step did, as prose names it: `tool run_python`, `model call gpt-4o`, `agent critic`. Steps of two
   * runs match when their labels are equal. */
  label: string;
  /** 0 for a root, 1 for its children, …: how deep in the tree the step runs (for drawing the steps as a tree). */
  depth: number;
}

/** Siblings: start time, then span name, then the shorter first, then span id (only for exact twins). */
function bySiblingOrder(a: SpanView, b: SpanView): number {
  const d = startNs(a) - startNs(b);
  if (d !== 0n) return d < 0n ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.durationMs !== b.durationMs) return a.durationMs - b.durationMs;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

function labelOf(span: SpanView): string {
  if (isToolCall(span)) return `tool ${span.genai?.toolName ?? span.name}`;
  if (isInference(span)) return `model call ${modelOf(span) ?? span.name}`;
  if (span.genai?.operation === 'invoke_agent') return `agent ${span.genai.agentName ?? span.name}`;
  return `span ${quoted(span.name)}`;
}

/**
 * The trace's steps in tree order: a parent before its children (also when a child starts at the same instant),
 * siblings by start time, then span name — so two runs of the same script give the same sequence whatever their
 * span ids. Spans a parent cycle keeps out of reach of the roots come last, in the same sibling order.
 */
export function stepsOf(tree: SpanTree): Step[] {
  const out: Step[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanView) => {
    // Iterative, so a 10,000-span chain cannot overflow the stack.
    const stack = [{ span, depth: 0 }];
    while (stack.length > 0) {
      const { span: next, depth } = stack.pop()!;
      if (seen.has(next.spanId)) continue;
      seen.add(next.spanId);
      out.push({ span: next, label: labelOf(next), depth });
      const children = [...tree.children(next)].sort(bySiblingOrder).reverse();
      stack.push(...children.map((child) => ({ span: child, depth: depth + 1 })));
    }
  };
  for (const root of [...tree.roots].sort(bySiblingOrder)) visit(root);
  for (const span of [...tree.spans].sort(bySiblingOrder)) visit(span);
  return out;
}

export type { StepEdit };

export interface Alignment {
  /** In step order; empty when the sequences are equal. */
  edits: StepEdit[];
  /** False when the differing middle was too large to align step by step: edits then hold its first step only. */
  exact: boolean;
}

/** The largest differing middle aligned exactly (cells of the edit-distance table). */
const MAX_CELLS = 4_000_000;

/**
 * The Levenshtein alignment (unit costs; a change preferred over a remove + add) of the baseline's step labels to
 * the trace's. The common prefix and suffix are matched first, so runs that differ in a few steps align in
 * linear time whatever their length.
 */
export function alignSteps(baseline: readonly string[], trace: readonly string[]): Alignment {
  let prefix = 0;
  while (prefix < baseline.length && prefix < trace.length && baseline[prefix] === trace[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < baseline.length - prefix &&
    suffix < trace.length - prefix &&
    baseline[baseline.length - 1 - suffix] === trace[trace.length - 1 - suffix]
  )
    suffix++;
  const n = baseline.length - prefix - suffix;
  const m = trace.length - prefix - suffix;
  if (n === 0 && m === 0) return { edits: [], exact: true };
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    const kind = n > 0 && m > 0 ? 'changed' : n > 0 ? 'removed' : 'added';
    return { edits: [{ kind, step: prefix, baselineStep: prefix }], exact: false };
  }
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = 0; i <= n; i++) table[i * width] = i;
  for (let j = 0; j <= m; j++) table[j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const same = baseline[prefix + i - 1] === trace[prefix + j - 1] ? 0 : 1;
      table[i * width + j] = Math.min(
        table[(i - 1) * width + j - 1]! + same,
        table[(i - 1) * width + j]! + 1,
        table[i * width + j - 1]! + 1,
      );
    }
  }
  const edits: StepEdit[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = table[i * width + j]!;
    if (i > 0 && j > 0) {
      const same = baseline[prefix + i - 1] === trace[prefix + j - 1];
      const diagonal = table[(i - 1) * width + j - 1]!;
      if (here === diagonal + (same ? 0 : 1)) {
        if (!same) edits.push({ kind: 'changed', step: prefix + j - 1, baselineStep: prefix + i - 1 });
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === table[(i - 1) * width + j]! + 1) {
      edits.push({ kind: 'removed', step: prefix + j, baselineStep: prefix + i - 1 });
      i--;
    } else {
      edits.push({ kind: 'added', step: prefix + j - 1, baselineStep: prefix + i });
      j--;
    }
  }
  return { edits: edits.reverse(), exact: true };
}

const cut = (text: string) =>
  text.length > STEP_TEXT_MAX_CHARS ? `${text.slice(0, STEP_TEXT_MAX_CHARS - 1)}…` : text;
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/** What a model or tool call answered, as text to diff (see AlignedStep.output); null for any other step. */
export function outputOf(span: SpanView): string | null {
  if (isToolCall(span)) return cut(span.genai?.toolResult ?? '');
  if (!isInference(span)) return null;
  const messages = (span.genai?.outputMessages ?? []).map((message) =>
    message.parts
      .map((part) => {
        if (part.type === 'text' || part.type === 'reasoning') return asText(part.content);
        if (part.type === 'tool_call') return `→ ${part.name}(${asText(part.arguments)})`;
        return '';
      })
      .filter(Boolean)
      .join('\n'),
  );
  return cut(messages.join('\n\n'));
}

/** A tool call's arguments (see AlignedStep.arguments); null for any other step. */
export const argumentsOf = (span: SpanView): string | null =>
  isToolCall(span) ? cut(span.genai?.toolArguments ?? '') : null;
