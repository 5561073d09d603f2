// The conventions Beacon reads, in one ordered list. The order IS the precedence: when a span speaks several
// conventions, normalize.ts merges their facts field by field and the first convention that knows a value wins.
//
// Most authoritative first: current OTel (gen_ai.provider.name present) → Vercel AI → OpenInference → OpenLLMetry →
// OTel without gen_ai.provider.name (deprecated names, or names that instrumentations above add next to their
// own). Instrumentation-specific attributes beat deprecated OTel names because the same instrumentation wrote both
// and its own names are richer (e.g. the AI SDK's cache breakdown next to its gen_ai.usage.input_tokens).
//
// Add a new convention here: one file in conventions/ exporting a ConventionMapper (its attribute names, its
// message parsing, its normalize), and one line in this list at the place of its precedence.
import type { ConventionMapper, MessageContentAttributes } from '../convention-mapper.js';
import { openInference } from './openinference.js';
import { openLLMetry } from './openllmetry.js';
import { otelCurrent, otelDeprecated } from './otel.js';
import { vercelAI } from './vercel-ai.js';

export const CONVENTIONS: readonly ConventionMapper[] = [
  otelCurrent,
  vercelAI,
  openInference,
  openLLMetry,
  otelDeprecated,
];

/** Every convention's message content attributes (ConventionMapper.contentAttributes), merged. */
export const MESSAGE_CONTENT_ATTRIBUTES: MessageContentAttributes = {
  keys: [...new Set(CONVENTIONS.flatMap((c) => c.contentAttributes.keys))],
  prefixes: [...new Set(CONVENTIONS.flatMap((c) => c.contentAttributes.prefixes))],
};
