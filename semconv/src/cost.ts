// Cost of a GenAI span: the user's override file first, then @pydantic/genai-prices. A model neither knows
// stays unpriced (costUsd null): a made-up number is worse than a visible gap.
import { calcPrice, type Usage } from '@pydantic/genai-prices';
import { PROVIDER } from './attributes.js';
import type { CostResult, GenAIFacts, TokenUsage } from './model.js';
import { findOverride, type PriceOverrideModel, type PriceOverrides } from './price-overrides.js';
import { hasAnyUsage } from './usage.js';

/**
 * Version of the bundled price data. genai-prices embeds no data date (its `auto_update_timestamp` is always
 * undefined for the bundled data), so the package version identifies the data. Keep in step with package.json;
 * a test checks it against the installed package.
 */
export const GENAI_PRICES_VERSION = '0.1.8';
export const GENAI_PRICES_DATA_VERSION = `genai-prices@${GENAI_PRICES_VERSION}`;

/**
 * OTel provider name → genai-prices provider id (ids checked against the package data). Names not listed are
 * passed as they are: genai-prices matches its own ids and provider aliases (ollama, fireworks, ...), and when it
 * knows no such provider the span stays unpriced rather than being priced as some other provider's model.
 */
export const GENAI_PRICES_PROVIDER_IDS: Readonly<Record<string, string>> = {
  [PROVIDER.OPENAI]: 'openai',
  [PROVIDER.ANTHROPIC]: 'anthropic',
  [PROVIDER.AWS_BEDROCK]: 'aws',
  [PROVIDER.AZURE_AI_OPENAI]: 'azure',
  [PROVIDER.AZURE_AI_INFERENCE]: 'azure',
  [PROVIDER.GCP_GEMINI]: 'google',
  [PROVIDER.GCP_VERTEX_AI]: 'google',
  [PROVIDER.GCP_GEN_AI]: 'google',
  [PROVIDER.COHERE]: 'cohere',
  [PROVIDER.DEEPSEEK]: 'deepseek',
  [PROVIDER.GROQ]: 'groq',
  [PROVIDER.MISTRAL_AI]: 'mistral',
  [PROVIDER.MOONSHOT_AI]: 'moonshotai',
  [PROVIDER.PERPLEXITY]: 'perplexity',
  [PROVIDER.X_AI]: 'x-ai',
  together: 'together',
  fireworks: 'fireworks',
  cerebras: 'cerebras',
  openrouter: 'openrouter',
};

export interface Pricer {
  /** null when the span reports no token usage at all. */
  price(facts: GenAIFacts, at: Date): CostResult | null;
}

interface Tokens {
  /** Total input, including cache reads and writes. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

function tokensOf(usage: TokenUsage): Tokens {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  // TokenUsage.inputTokens includes cache; the max() only guards spans that reported cache counts without input.
  const input = Math.max(usage.inputTokens ?? 0, cacheRead + cacheWrite);
  return { input, cacheRead, cacheWrite, output: usage.outputTokens ?? 0 };
}

function unpriced(): CostResult {
  return {
    costUsd: null,
    inputCostUsd: null,
    outputCostUsd: null,
    priceSource: null,
    priceEntry: null,
    priceDataVersion: null,
    unpriced: true,
  };
}

function priceWithOverride(
  entry: PriceOverrideModel,
  tokens: Tokens,
  provider: string | null,
  version: string,
) {
  const uncached = tokens.input - tokens.cacheRead - tokens.cacheWrite;
  const inputCost =
    (uncached * entry.inputPerMtok +
      tokens.cacheRead * entry.cacheReadPerMtok +
      tokens.cacheWrite * entry.cacheWritePerMtok) /
    1e6;
  const outputCost = (tokens.output * entry.outputPerMtok) / 1e6;
  return {
    costUsd: inputCost + outputCost,
    inputCostUsd: inputCost,
    outputCostUsd: outputCost,
    priceSource: 'override',
    priceEntry: `${entry.provider ?? provider ?? '*'}/${entry.matchText}`,
    priceDataVersion: `override:${version}`,
    unpriced: false,
  } satisfies CostResult;
}

function priceWithGenAIPrices(
  model: string,
  provider: string | null,
  tokens: Tokens,
  at: Date,
): CostResult | null {
  // genai-prices' contract: input_tokens is the TOTAL input, cache_* are the parts of it billed differently.
  const usage: Usage = { input_tokens: tokens.input, output_tokens: tokens.output };
  if (tokens.cacheRead > 0) usage.cache_read_tokens = tokens.cacheRead;
  if (tokens.cacheWrite > 0) usage.cache_write_tokens = tokens.cacheWrite;
  const providerId = provider === null ? undefined : (GENAI_PRICES_PROVIDER_IDS[provider] ?? provider);
  let result: ReturnType<typeof calcPrice>;
  try {
    result = calcPrice(usage, model, { providerId, timestamp: at });
  } catch {
    return null; // inconsistent usage or price data: unpriced, never a guess
  }
  if (result === null) return null;
  return {
    costUsd: result.total_price,
    inputCostUsd: result.input_price,
    outputCostUsd: result.output_price,
    priceSource: 'genai-prices',
    priceEntry: `${result.provider.id}/${result.model.id}`,
    priceDataVersion: GENAI_PRICES_DATA_VERSION,
    unpriced: false,
  };
}

/**
 * A pricer. Model preference: the response model (what actually ran, e.g. a dated snapshot), then the request
 * model (e.g. when the response names an Azure deployment genai-prices does not know). Overrides are tried for
 * both before genai-prices.
 */
export function createPricer(options: { overrides?: PriceOverrides | undefined } = {}): Pricer {
  const overrides = options.overrides;
  return {
    price(facts: GenAIFacts, at: Date): CostResult | null {
      if (!hasAnyUsage(facts.usage)) return null;
      const tokens = tokensOf(facts.usage);
      const models = [...new Set([facts.responseModel, facts.requestModel].filter((m): m is string => !!m))];
      if (overrides) {
        for (const model of models) {
          const entry = findOverride(overrides, facts.provider, model);
          if (entry) return priceWithOverride(entry, tokens, facts.provider, overrides.version);
        }
      }
      for (const model of models) {
        const priced = priceWithGenAIPrices(model, facts.provider, tokens, at);
        if (priced) return priced;
      }
      return unpriced();
    },
  };
}
