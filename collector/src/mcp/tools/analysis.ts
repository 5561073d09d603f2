// analyze_trace: the collector's deterministic analyses of a stored run (root cause, cost, anomalies, summary,
// compare) or of failures across runs (error-patterns), optionally rewritten by its configured LLM.
import { z } from 'zod';
import { ANALYSIS_KINDS, type AnalysisResponse } from '../../contract/index.js';
import { compact, timeRange, timeRangeFields, traceId } from './fields.js';
import { API, defineTool, READ_ONLY } from './tool.js';

const findingRow = {
  id: z.string(),
  type: z.string(),
  severity: z.string(),
  category: z.string().optional(),
  title: z.string(),
  detail: z.string(),
  spanIds: z.array(z.string()).optional(),
  estimatedSavingsUsd: z.number().optional(),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
};

export const analyzeTrace = defineTool(
  'analyze_trace',
  {
    title: 'Explain an agent run',
    description:
      'Deterministic analysis of a stored trace. kind root-cause (default): the failing span where the error ' +
      'chain started, what fed it, loops. cost: repeated prompts, expensive models on short prompts, cacheable ' +
      'prefixes, context growth, with estimated savings. anomalies: cost/duration/tokens vs earlier runs of the ' +
      'same entry point. summary: what the agent did. compare: against baselineTraceId (or the marked ' +
      'baseline). error-patterns: without traceId, failures across runs in the time range grouped by shape. ' +
      'Findings name span ids to look at with get_trace.',
    inputSchema: {
      kind: z.enum(ANALYSIS_KINDS).default('root-cause'),
      traceId: traceId.optional().describe('Required for every kind but error-patterns.'),
      baselineTraceId: traceId.optional().describe('compare: the run to compare with.'),
      window: z.number().int().min(1).max(200).optional().describe('anomalies: earlier runs compared with.'),
      ...timeRangeFields,
      refine: z
        .boolean()
        .optional()
        .describe("Let the collector's configured LLM rewrite the text (default: when one is configured)."),
    },
    outputSchema: {
      kind: z.enum(ANALYSIS_KINDS),
      traceId: z.string().nullable(),
      baselineTraceId: z.string().optional(),
      text: z.string(),
      findings: z.array(z.object(findingRow)),
      totalEstimatedSavingsUsd: z.number().optional(),
      patterns: z.array(z.unknown()).optional(),
      refinement: z.object({ model: z.string(), text: z.string() }).optional(),
    },
    annotations: READ_ONLY,
  },
  async (args, { api }) => {
    const acrossRuns = args.kind === 'error-patterns' && args.traceId === undefined;
    const range = acrossRuns ? timeRange(args) : {};
    const result = await api.post<AnalysisResponse>(`${API}/analysis/${args.kind}`, {
      traceId: args.traceId,
      baselineTraceId: args.baselineTraceId,
      window: args.window,
      from: range.from,
      to: range.to,
      refine: args.refine,
    });
    return compact({
      kind: result.kind,
      traceId: result.traceId,
      baselineTraceId: result.baselineTraceId ?? undefined,
      text: result.text,
      findings: result.findings.map((f) =>
        compact(
          {
            id: f.id,
            type: f.type,
            severity: f.severity,
            category: f.category ?? undefined,
            title: f.title,
            detail: f.detail,
            spanIds: f.spanIds,
            estimatedSavingsUsd: f.estimatedSavingsUsd ?? undefined,
            evidence: Object.keys(f.evidence).length > 0 ? f.evidence : undefined,
          },
          true,
        ),
      ),
      totalEstimatedSavingsUsd: result.totalEstimatedSavingsUsd ?? undefined,
      patterns: result.patterns.length > 0 ? result.patterns : undefined,
      refinement: result.refinement ?? undefined,
    });
  },
);
