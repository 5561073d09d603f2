// The generated multi-agent runs (bench/lib/agent-run) as the analysis tests use them: sent through a real
// collector's OTLP/HTTP receiver in requests of ≤ 2,000 spans, then analysed over POST /api/v1/analysis/{kind}.
import type { AgentRun } from '../../../bench/lib/agent-run/index.mjs';
import type { AnalysisResponse, Finding } from '../../src/contract/index.js';
import { api } from '../api/helpers.js';
import type { TestCollector } from '../e2e/harness.js';
import { postTracesOk } from '../support/otlp-json.js';

export { generateAgentRun } from '../../../bench/lib/agent-run/index.mjs';

/** Sends every request of the runs, then waits until all their spans are written. */
export async function ingestRuns(collector: TestCollector, runs: readonly AgentRun[]): Promise<void> {
  for (const run of runs) for (const body of run.requests) await postTracesOk(collector.httpUrl, body);
  await collector.writer.flush();
}

export async function analyzeOk(
  collector: TestCollector,
  kind: string,
  body: Record<string, unknown>,
): Promise<AnalysisResponse> {
  const answer = await api<AnalysisResponse>(collector.apiUrl, `/api/v1/analysis/${kind}`, {
    method: 'POST',
    json: { refine: false, ...body },
  });
  if (answer.status !== 200) throw new Error(`analysis ${kind} answered ${answer.status}: ${answer.text}`);
  return answer.body;
}

export const ofType = (body: AnalysisResponse, type: string): Finding[] =>
  body.findings.filter((f) => f.type === type);

/**
 * How the summary's text states one tool's calls: `name ×calls`, then ` (k failed)` when some failed. Null when
 * the tool is not in the text.
 */
export function statedToolCount(text: string, tool: string): { calls: number; failed: number } | null {
  const match = new RegExp(`(?:^|[\\s:,])${tool} ×(\\d+)( \\((\\d+) failed\\))?`).exec(text);
  if (!match) return null;
  return { calls: Number(match[1]), failed: match[3] === undefined ? 0 : Number(match[3]) };
}

/** Every explanation an analysis answers: its text and each finding's title and detail. */
export const explanations = (body: AnalysisResponse): string[] => [
  body.text,
  ...body.findings.flatMap((f) => [f.title, f.detail]),
];
