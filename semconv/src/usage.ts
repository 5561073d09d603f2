// Token counts → Beacon's TokenUsage, where inputTokens always INCLUDES cache reads and writes.
//
// Why this is needed: providers disagree on what "input tokens" means.
// - OpenAI, Google (Gemini/Vertex), Mistral, DeepSeek ...: the prompt count already includes cached tokens.
// - Anthropic (also Claude served by Bedrock, Vertex or Azure) and the Bedrock Converse API: `input_tokens`
//   EXCLUDES cache reads and cache writes; total input = input + cache_read + cache_creation.
// Current OTel naming (gen_ai.usage.input_tokens together with gen_ai.provider.name) requires instrumentations
// to report the inclusive total, so those counts are taken as is. Everything else that passes the provider's raw
// counts through (OpenInference llm.token_count.prompt, OpenLLMetry gen_ai.usage.prompt_tokens, AI SDK ≤ 5
// ai.usage.inputTokens, deprecated OTel names) is "provider raw": for the cache-exclusive providers we add the
// cache counts. Whatever the semantics, an input count smaller than its own cache counts cannot include them,
// so it is evidently exclusive and we add them too (this keeps inputTokens ≥ cacheRead + cacheWrite, which
// the price calculation relies on).
import { PROVIDER } from './attributes.js';
import type { TokenUsage } from './model.js';

/** How a convention's input count relates to cache counts. */
export type InputTokenSemantics =
  /** The input count already includes cache reads and writes (current OTel, AI SDK 6 inputTokens.total). */
  | 'includes_cache'
  /** The provider's raw count, whatever that provider means by it. */
  | 'provider_raw';

export interface RawTokenCounts {
  input: number | null;
  output: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
  reasoning: number | null;
}

const CACHE_EXCLUSIVE_PROVIDERS: ReadonlySet<string> = new Set([PROVIDER.ANTHROPIC, PROVIDER.AWS_BEDROCK]);

/** True when the provider's raw input count excludes cache tokens (Anthropic API shape, Bedrock Converse). */
export function reportsInputExcludingCache(provider: string | null, model: string | null): boolean {
  if (provider !== null && CACHE_EXCLUSIVE_PROVIDERS.has(provider)) return true;
  // Claude on Vertex / Azure keeps the Anthropic Messages API usage shape.
  return model?.toLowerCase().includes('claude') ?? false;
}

export function toTokenUsage(
  raw: RawTokenCounts,
  semantics: InputTokenSemantics,
  provider: string | null,
  model: string | null,
): TokenUsage {
  const cached = (raw.cacheRead ?? 0) + (raw.cacheWrite ?? 0);
  let input = raw.input;
  if (input !== null && cached > 0) {
    const evidentlyExclusive = input < cached;
    const rawExclusive = semantics === 'provider_raw' && reportsInputExcludingCache(provider, model);
    if (evidentlyExclusive || rawExclusive) input += cached;
  }
  return {
    inputTokens: input,
    outputTokens: raw.output,
    cacheReadTokens: raw.cacheRead,
    cacheWriteTokens: raw.cacheWrite,
    reasoningTokens: raw.reasoning,
  };
}

export function emptyTokenUsage(): TokenUsage {
  return {
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
  };
}

export function hasAnyUsage(usage: TokenUsage): boolean {
  return (
    usage.inputTokens !== null ||
    usage.outputTokens !== null ||
    usage.cacheReadTokens !== null ||
    usage.cacheWriteTokens !== null ||
    usage.reasoningTokens !== null
  );
}
