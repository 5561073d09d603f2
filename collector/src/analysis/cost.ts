// cost: where a trace's model spend could shrink, with estimated savings in USD.
//
// (a) repeated_prompt — successful calls to the same model with identical system + input messages: every repeat
//     after the first could have reused the first answer; saving = the stored cost of the repeats.
// (b) expensive_model — a call with < 500 input tokens on a model listed in CHEAPER_MODELS; saving = its cost
//     minus the same usage priced at the cheaper sibling.
// (c) cacheable_prefix — calls to one model whose prompt starts with the same leading messages (system + first k
//     messages) as an earlier call, the shared part estimated ≥ 1024 tokens, and no cache reads reported by any
//     call of that model. Prefix tokens are estimated as the call's input tokens × the prefix's share of the
//     prompt's characters (serialized messages): only totals are reported per call. Saving = for each call after
//     the first, the cost now minus the cost with the prefix billed as cache reads, i.e. prefix tokens × (input
//     price − cache-read price).
// (d) context_growth — one agent's successive calls whose input grows ≥ 3× from first to last, the last ≥ 4000
//     tokens. Saving (an estimate of what summarizing or truncating history would save): half of the tokens each
//     later call carries beyond the first call's input, at that call's input price.
//
// Calls that repeat an earlier identical prompt are counted under (a) only, so (b)–(d) never count them again;
// (c) and (d) can act on the same prompt tokens, each figure being what that fix alone would save.
import type { Pricer } from '@beacon/semconv';
import type { Finding, SpanView } from '../contract/index.js';
import { failuresOf, isInference, modelOf } from './failures.js';
import { count, list, numberFindings, roundUsd, usd } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { savingOf } from './pricing.js';
import { SpanTree } from './span-tree.js';

export const SHORT_PROMPT_TOKENS = 500;
export const CACHEABLE_PREFIX_TOKENS = 1024;
export const CONTEXT_GROWTH_RATIO = 3;
export const CONTEXT_GROWTH_MIN_TOKENS = 4000;
/** (d): share of the excess history a summary or truncation is assumed to remove. */
export const CONTEXT_GROWTH_REDUCIBLE_SHARE = 0.5;

/**
 * Models with a cheaper sibling of the same provider that handles short prompts well. Kept small on purpose:
 * a suggestion must be a safe, well-known swap. Dated snapshots of a model match too.
 */
export const CHEAPER_MODELS: readonly { pattern: RegExp; cheaper: (m: RegExpExecArray) => string }[] = [
  { pattern: /^gpt-4o(-\d{4}-\d{2}-\d{2})?$/, cheaper: () => 'gpt-4o-mini' },
  { pattern: /^gpt-4\.1(-\d{4}-\d{2}-\d{2})?$/, cheaper: () => 'gpt-4.1-mini' },
  { pattern: /^gpt-4-turbo(-[\w-]+)?$/, cheaper: () => 'gpt-4o-mini' },
  { pattern: /^o1(-\d{4}-\d{2}-\d{2})?$/, cheaper: () => 'o3-mini' },
  { pattern: /^claude-(opus|sonnet)-\d/, cheaper: () => 'claude-haiku-4-5' },
  { pattern: /^claude-3(-[57])?-(opus|sonnet)/, cheaper: () => 'claude-3-5-haiku-latest' },
  { pattern: /^gemini-(\d+(?:\.\d+)?)-pro(-[\w-]+)?$/, cheaper: (m) => `gemini-${m[1]}-flash` },
];

export function cheaperModel(model: string): string | null {
  for (const { pattern, cheaper } of CHEAPER_MODELS) {
    const m = pattern.exec(model);
    if (m) return cheaper(m);
  }
  return null;
}

type Draft = Omit<Finding, 'id'>;

/** Sums the known figures; null when none is known. */
function sumKnown(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

const rounded = (value: number | null) => (value === null ? null : roundUsd(value));

/** The prompt as a list of elements: the system instructions (if any), then each input message. */
function promptElements(span: SpanView): string[] {
  const genai = span.genai!;
  const system =
    genai.systemInstructions.length > 0 ? [JSON.stringify({ system: genai.systemInstructions })] : [];
  return [...system, ...genai.inputMessages.map((m) => JSON.stringify(m))];
}

function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

const chars = (elements: readonly string[]) => elements.reduce((n, e) => n + e.length, 0);

function repeatedPrompts(traceId: string, calls: readonly SpanView[], repeats: Set<string>): Draft[] {
  const groups = new Map<string, SpanView[]>();
  for (const call of calls) {
    const model = modelOf(call);
    if (model === null || call.genai!.inputMessages.length === 0) continue;
    const key = JSON.stringify([model, ...promptElements(call)]);
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  const findings: Draft[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const later = group.slice(1);
    for (const call of later) repeats.add(call.spanId);
    const saving = rounded(sumKnown(later.map((c) => c.genai!.costUsd)));
    const model = modelOf(group[0]!)!;
    findings.push({
      type: 'repeated_prompt',
      category: null,
      severity: 'warning',
      title: `The same prompt was sent to ${model} ${group.length} times`,
      detail:
        `${count(group.length, 'call')} to ${model} had identical system and input messages ` +
        `(${group.map((c) => `[${c.spanId}]`).join(' ')}); reusing the first answer would save ` +
        `${saving === null ? 'an unknown amount (the model has no price)' : usd(saving)}.`,
      traceId,
      spanIds: group.map((c) => c.spanId),
      estimatedSavingsUsd: saving,
      evidence: {
        model,
        calls: group.length,
        inputTokensPerCall: group[0]!.genai!.usage.inputTokens,
        repeatCostUsd: saving,
      },
    });
  }
  return findings;
}

function expensiveModels(traceId: string, calls: readonly SpanView[], pricer: Pricer): Draft[] {
  const groups = new Map<string, { cheaper: string; calls: SpanView[]; savings: (number | null)[] }>();
  for (const call of calls) {
    const model = modelOf(call);
    const input = call.genai!.usage.inputTokens;
    if (model === null || input === null || input >= SHORT_PROMPT_TOKENS) continue;
    const cheaper = cheaperModel(model);
    if (cheaper === null) continue;
    const saving = savingOf(pricer, call, { model: cheaper });
    if (saving === null || saving <= 0) continue;
    const group = groups.get(model) ?? { cheaper, calls: [], savings: [] };
    group.calls.push(call);
    group.savings.push(saving);
    groups.set(model, group);
  }
  return [...groups.entries()].map(([model, group]) => {
    const saving = rounded(sumKnown(group.savings));
    return {
      type: 'expensive_model',
      category: null,
      severity: 'info',
      title: `${model} on short prompts: ${group.cheaper} would do`,
      detail:
        `${count(group.calls.length, 'call')} to ${model} sent fewer than ${SHORT_PROMPT_TOKENS} input tokens ` +
        `(${group.calls.map((c) => `[${c.spanId}]`).join(' ')}); the same usage on ${group.cheaper} would cost ` +
        `${usd(saving ?? 0)} less.`,
      traceId,
      spanIds: group.calls.map((c) => c.spanId),
      estimatedSavingsUsd: saving,
      evidence: {
        model,
        cheaperModel: group.cheaper,
        calls: group.calls.length,
        maxInputTokens: Math.max(...group.calls.map((c) => c.genai!.usage.inputTokens ?? 0)),
      },
    } satisfies Draft;
  });
}

function cacheablePrefixes(traceId: string, calls: readonly SpanView[], pricer: Pricer): Draft[] {
  const byModel = new Map<string, SpanView[]>();
  for (const call of calls) {
    const model = modelOf(call);
    if (model !== null) byModel.set(model, [...(byModel.get(model) ?? []), call]);
  }
  const findings: Draft[] = [];
  for (const [model, group] of byModel) {
    if (group.length < 2 || group.some((c) => (c.genai!.usage.cacheReadTokens ?? 0) > 0)) continue;
    const prompts = group.map(promptElements);
    const sharing: { span: SpanView; prefixTokens: number; saving: number | null; source: SpanView }[] = [];
    for (let i = 1; i < group.length; i++) {
      const call = group[i]!;
      const input = call.genai!.usage.inputTokens;
      if (input === null || prompts[i]!.length === 0) continue;
      // The longest leading run shared with any earlier call: what a provider's prompt cache would have held.
      let best = 0;
      let source = 0;
      for (let j = 0; j < i; j++) {
        const n = commonPrefixLength(prompts[i]!, prompts[j]!);
        if (n > best) [best, source] = [n, j];
      }
      if (best === 0) continue;
      const prefixTokens = Math.round((input * chars(prompts[i]!.slice(0, best))) / chars(prompts[i]!));
      if (prefixTokens < CACHEABLE_PREFIX_TOKENS) continue;
      const cacheWrite = Math.min(call.genai!.usage.cacheWriteTokens ?? 0, input - prefixTokens);
      const saving = savingOf(pricer, call, {
        usage: { cacheReadTokens: prefixTokens, cacheWriteTokens: cacheWrite },
      });
      sharing.push({ span: call, prefixTokens, saving, source: group[source]! });
    }
    if (sharing.length === 0) continue;
    const saving = rounded(sumKnown(sharing.map((s) => s.saving)));
    if (saving !== null && saving <= 0) continue;
    const spanIds = [...new Set(sharing.flatMap((s) => [s.source.spanId, s.span.spanId]))];
    const prefixTokens = sharing.reduce((n, s) => n + s.prefixTokens, 0);
    findings.push({
      type: 'cacheable_prefix',
      category: null,
      severity: 'info',
      title: `${model} calls repeat a ${prefixTokens >= 10_000 ? 'long ' : ''}prompt prefix without caching`,
      detail:
        `${count(sharing.length, 'call')} to ${model} started with the same messages as an earlier call ` +
        `(about ${prefixTokens} prompt tokens in all) and no cache reads were reported; prompt caching would ` +
        `save ${saving === null ? 'an unknown amount (the model has no price)' : `about ${usd(saving)}`}.`,
      traceId,
      spanIds,
      estimatedSavingsUsd: saving,
      evidence: { model, calls: sharing.length, estimatedPrefixTokens: prefixTokens },
    });
  }
  return findings;
}

function contextGrowth(traceId: string, calls: readonly SpanView[], tree: SpanTree, pricer: Pricer): Draft[] {
  const byAgent = new Map<string, SpanView[]>();
  for (const call of calls) {
    if (call.genai!.usage.inputTokens === null) continue;
    const agent = tree.agentOf(call);
    const key = agent !== null ? `agent:${agent}` : `parent:${call.parentSpanId}`;
    byAgent.set(key, [...(byAgent.get(key) ?? []), call]);
  }
  const findings: Draft[] = [];
  for (const [key, group] of byAgent) {
    if (group.length < 2) continue;
    const firstInput = group[0]!.genai!.usage.inputTokens!;
    const lastInput = group.at(-1)!.genai!.usage.inputTokens!;
    if (lastInput < CONTEXT_GROWTH_MIN_TOKENS || lastInput < CONTEXT_GROWTH_RATIO * Math.max(firstInput, 1))
      continue;
    const later = group.slice(1);
    const savings = later.map((call) => {
      const input = call.genai!.usage.inputTokens!;
      const excess = Math.max(0, input - firstInput);
      if (excess === 0) return 0;
      const full = savingOf(pricer, call, {
        usage: {
          inputTokens: input - excess,
          cacheReadTokens: Math.min(call.genai!.usage.cacheReadTokens ?? 0, input - excess),
          cacheWriteTokens: Math.min(call.genai!.usage.cacheWriteTokens ?? 0, input - excess),
        },
      });
      return full === null ? null : full * CONTEXT_GROWTH_REDUCIBLE_SHARE;
    });
    const saving = rounded(sumKnown(savings));
    const agent = key.startsWith('agent:') ? key.slice('agent:'.length) : null;
    const excessTokens = later.reduce((n, c) => n + Math.max(0, c.genai!.usage.inputTokens! - firstInput), 0);
    findings.push({
      type: 'context_growth',
      category: null,
      severity: 'warning',
      title: `${agent ? `Agent ${agent}` : 'A conversation'}'s context grew ${(lastInput / Math.max(firstInput, 1)).toFixed(1)}× over ${group.length} calls`,
      detail:
        `Input tokens grew from ${firstInput} to ${lastInput} over ${count(group.length, 'model call')} ` +
        `(${group.map((c) => `[${c.spanId}]`).join(' ')}); summarizing or truncating the history could save an ` +
        `estimated ${saving === null ? 'unknown amount (a model has no price)' : usd(saving)} ` +
        `(half of the ${excessTokens} tokens carried beyond the first call's input).`,
      traceId,
      spanIds: group.map((c) => c.spanId),
      estimatedSavingsUsd: saving,
      evidence: {
        agent,
        calls: group.length,
        firstInputTokens: firstInput,
        lastInputTokens: lastInput,
        excessInputTokens: excessTokens,
        reducibleShare: CONTEXT_GROWTH_REDUCIBLE_SHARE,
      },
    });
  }
  return findings;
}

export function analyzeCost(trace: TraceData, pricer: Pricer): AnalysisResult {
  const traceId = trace.summary.traceId;
  const tree = new SpanTree(trace.spans);
  const failures = failuresOf(tree.spans);
  // Failed calls returned no answer to reuse and usually bill nothing: they are for root-cause, not cost.
  const calls = tree.spans.filter((s) => isInference(s) && !failures.has(s.spanId));
  const repeats = new Set<string>();
  const drafts = repeatedPrompts(traceId, calls, repeats);
  const distinct = calls.filter((c) => !repeats.has(c.spanId));
  drafts.push(
    ...expensiveModels(traceId, distinct, pricer),
    ...cacheablePrefixes(traceId, distinct, pricer),
    ...contextGrowth(traceId, distinct, tree, pricer),
  );
  const findings = numberFindings('cost', drafts);
  const total = roundUsd(findings.reduce((n, f) => n + (f.estimatedSavingsUsd ?? 0), 0));

  const spent = sumKnown(calls.map((c) => c.genai!.costUsd));
  const allCalls = tree.spans.filter(isInference).length;
  const head = `The trace made ${count(allCalls, 'model call')}${spent === null ? '' : ` costing ${usd(spent)}`}.`;
  const text =
    findings.length === 0
      ? `${head} No savings found: no repeated prompts, expensive models on short prompts, uncached shared prefixes or runaway context growth.`
      : `${head} ${count(findings.length, 'finding')} could save an estimated ${usd(total)}: ${list(
          findings.map(
            (f) =>
              `${f.title} (${f.estimatedSavingsUsd === null ? 'savings unknown' : usd(f.estimatedSavingsUsd)})`,
          ),
        )}.`;
  return { findings, text, totalEstimatedSavingsUsd: total, patterns: [] };
}
