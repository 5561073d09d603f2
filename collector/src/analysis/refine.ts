// Refinement: the configured LLM rewrites an analysis's prose, citing span ids. The findings stay the
// deterministic ones; a failed call leaves refinement null and the answer otherwise unchanged.
import type { Message } from '@beacon/semconv';
import type { CollectorConfig } from '../config.js';
import type { Finding, ReplayProvider } from '../contract/index.js';
import type { Logger } from '../logger.js';
import type { CallModel } from '../replay/providers.js';

/** The model that refines analyses, with where to reach it. */
export interface AnalysisModel {
  provider: ReplayProvider;
  model: string;
  /** Only this URL ever receives the key. */
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
}

type ModelSettings = Pick<
  CollectorConfig,
  | 'analysisLlm'
  | 'openaiApiKey'
  | 'openaiBaseUrl'
  | 'anthropicApiKey'
  | 'anthropicBaseUrl'
  | 'openaiCompatibleBaseUrl'
  | 'openaiCompatibleApiKey'
  | 'replayTimeoutMs'
>;

/**
 * `analysisLlm` (provider:model) → the model and its endpoint, from the same settings replays use; null when no
 * model is configured, or for openai_compatible without a base URL (there is no default endpoint to call).
 */
export function analysisModelFromConfig(config: ModelSettings): AnalysisModel | null {
  if (!config.analysisLlm) return null;
  const colon = config.analysisLlm.indexOf(':');
  const provider = config.analysisLlm.slice(0, colon) as ReplayProvider;
  const model = config.analysisLlm.slice(colon + 1);
  const endpoint =
    provider === 'openai'
      ? { baseUrl: config.openaiBaseUrl, apiKey: config.openaiApiKey }
      : provider === 'anthropic'
        ? { baseUrl: config.anthropicBaseUrl, apiKey: config.anthropicApiKey }
        : { baseUrl: config.openaiCompatibleBaseUrl, apiKey: config.openaiCompatibleApiKey };
  if (!endpoint.baseUrl) return null;
  return {
    provider,
    model,
    baseUrl: endpoint.baseUrl,
    apiKey: endpoint.apiKey,
    timeoutMs: config.replayTimeoutMs,
  };
}

const INSTRUCTIONS =
  'You explain the result of an automated analysis of one AI-agent trace to the engineer who owns the agent. ' +
  'Rewrite the explanation below in plain language, in at most 150 words: what happened, why, and what to change. ' +
  'Use only the facts in the findings and the explanation; never invent numbers. Whenever you mention a span, cite ' +
  'its span id in square brackets exactly as given, e.g. [0123456789abcdef].';

/** The request sent to the model: the instructions, the deterministic text and the findings as JSON. */
export function refinementPrompt(
  kind: string,
  traceId: string | null,
  text: string,
  findings: readonly Finding[],
): {
  system: string;
  messages: Message[];
} {
  const content =
    `Analysis: ${kind}${traceId ? ` of trace ${traceId}` : ' across traces'}\n\n` +
    `Explanation:\n${text}\n\nFindings (JSON):\n${JSON.stringify(findings, null, 2)}`;
  return { system: INSTRUCTIONS, messages: [{ role: 'user', parts: [{ type: 'text', content }] }] };
}

export interface Refiner {
  refine(
    kind: string,
    traceId: string | null,
    text: string,
    findings: readonly Finding[],
  ): Promise<{ model: string; text: string } | null>;
}

export function createRefiner(options: {
  model: AnalysisModel;
  callModel: CallModel;
  logger: Logger;
}): Refiner {
  const { model, callModel, logger } = options;
  return {
    async refine(kind, traceId, text, findings) {
      const prompt = refinementPrompt(kind, traceId, text, findings);
      try {
        const completion = await callModel({
          provider: model.provider,
          baseUrl: model.baseUrl,
          apiKey: model.apiKey,
          model: model.model,
          system: prompt.system,
          messages: prompt.messages,
          temperature: 0,
          maxTokens: 600,
          tools: [],
          timeoutMs: model.timeoutMs,
        });
        const answer = completion.outputMessages
          .flatMap((m) => m.parts)
          .map((p) => (p.type === 'text' && typeof p.content === 'string' ? p.content : ''))
          .join('')
          .trim();
        if (answer === '') {
          logger.warn({ kind, model: model.model }, 'analysis refinement: the model answered no text');
          return null;
        }
        return { model: model.model, text: answer };
      } catch (err) {
        // Only the message (request objects carry headers). ModelCallError messages never hold the key; anything
        // else thrown is scrubbed of it all the same.
        const message = err instanceof Error ? err.message : String(err);
        logger.warn(
          {
            kind,
            model: model.model,
            error: model.apiKey ? message.split(model.apiKey).join('***') : message,
          },
          'analysis refinement failed; answering with the deterministic text',
        );
        return null;
      }
    },
  };
}
