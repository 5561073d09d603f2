// summary: what the agent did, in sentences built from the spans (agents, duration, model calls, tools, outcome).
import type { SpanView } from '../contract/index.js';
import { isInference, isToolCall, modelOf } from './failures.js';
import { count, list, ms, numberFindings, quoted, usd } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { analyzeFailures, recoveredCount } from './propagation.js';
import { outcomeSentence } from './root-cause.js';
import { SpanTree } from './span-tree.js';

/** name → how many times, most frequent first, then by name. */
function tally(names: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const tallyText = (entries: [string, number][]) => entries.map(([name, n]) => `${name} ×${n}`).join(', ');

/** Tools with their call counts, and next to each tool its own failed calls: `run_python ×30 (5 failed)`. */
const toolTallyText = (entries: [string, number][], failed: ReadonlyMap<string, number>) =>
  entries
    .map(([name, n]) => `${name} ×${n}${(failed.get(name) ?? 0) > 0 ? ` (${failed.get(name)} failed)` : ''}`)
    .join(', ');

export function summarizeTrace(trace: TraceData): AnalysisResult {
  const { summary } = trace;
  const tree = new SpanTree(trace.spans);
  const failures = analyzeFailures(tree);
  const cause = failures.primary;

  const agents =
    summary.agents.length > 0
      ? summary.agents
      : [...new Set(tree.spans.map((s) => tree.agentOf(s)).filter((a) => a !== null))];
  const lead = summary.rootAgent ?? agents[0] ?? null;
  const helpers = agents.filter((a) => a !== lead);
  const who =
    lead === null
      ? quoted(summary.rootSpanName)
      : `Agent ${lead}${helpers.length > 0 ? ` (with ${list(helpers)})` : ''}`;
  const sentences = [
    `${who} ran ${lead === null ? '' : `${quoted(summary.rootSpanName)} `}in service ${summary.rootServiceName} for ` +
      `${ms(summary.durationMs)} (${count(summary.spanCount, 'span')}).`,
  ];

  const calls = tree.spans.filter(isInference);
  const models = tally(calls.map((c) => modelOf(c) ?? 'unknown model'));
  if (calls.length === 0) sentences.push('It made no model calls.');
  else {
    const cost =
      summary.costUsd === null
        ? ' (no price known for its models)'
        : `, costing ${usd(summary.costUsd)}${summary.unpricedCount > 0 ? ` plus ${count(summary.unpricedCount, 'unpriced call')}` : ''}`;
    sentences.push(
      `It made ${count(calls.length, 'model call')} (${tallyText(models)}) using ${summary.inputTokens} input and ` +
        `${summary.outputTokens} output tokens${cost}.`,
    );
  }

  // Each tool's failures are its own spans' (their status), never a neighbour's or a child's.
  const toolSpans = tree.spans.filter(isToolCall);
  const toolName = (s: SpanView) => s.genai?.toolName ?? s.name;
  const tools = tally(toolSpans.map(toolName));
  const failedByTool = new Map<string, number>();
  for (const span of toolSpans.filter((s) => failures.all.has(s.spanId)))
    failedByTool.set(toolName(span), (failedByTool.get(toolName(span)) ?? 0) + 1);
  const failedTools = [...failedByTool.values()].reduce((n, k) => n + k, 0);
  const toolsText = toolTallyText(tools, failedByTool);
  sentences.push(
    toolSpans.length === 0
      ? 'It called no tools.'
      : `It called ${count(toolSpans.length, 'tool')}: ${toolsText}.`,
  );
  sentences.push(outcomeSentence(tree, failures));

  const agentSpans: SpanView[] = tree.spans.filter((s) => s.genai?.operation === 'invoke_agent');
  const spanIds = [
    ...new Set([
      ...(cause ? [cause.span.spanId] : []),
      ...tree.roots.map((s) => s.spanId),
      ...agentSpans.map((s) => s.spanId),
    ]),
  ];
  const failed = failures.traceFailed;
  const findings = numberFindings('summary', [
    {
      type: 'summary',
      category: cause?.failure.category ?? null,
      severity: failed ? 'critical' : cause ? 'warning' : 'info',
      title: `${lead ?? summary.rootSpanName}: ${count(calls.length, 'model call')}, ${count(toolSpans.length, 'tool call')}, ${failed ? 'failed' : 'succeeded'}`,
      detail: sentences.join(' '),
      traceId: summary.traceId,
      spanIds,
      estimatedSavingsUsd: null,
      evidence: {
        agents: agents.join(', '),
        durationMs: summary.durationMs,
        spans: summary.spanCount,
        modelCalls: calls.length,
        models: tallyText(models),
        inputTokens: summary.inputTokens,
        outputTokens: summary.outputTokens,
        costUsd: summary.costUsd,
        toolCalls: toolSpans.length,
        tools: toolsText,
        failedToolCalls: failedTools,
        // Each failure once, where it started; spans that failed only because a child failed are apart.
        failures: failures.own.size,
        propagatedFailures: failures.propagated.size,
        recoveredFailures: recoveredCount(failures),
        outcome: failed ? 'failed' : cause ? 'recovered' : 'succeeded',
      },
    },
  ]);
  return { findings, text: sentences.join(' '), totalEstimatedSavingsUsd: null, patterns: [] };
}
