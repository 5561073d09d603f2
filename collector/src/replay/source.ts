// What a replay starts from: the original model-call span as stored, read as a PromptEdit (the defaults of every
// field a request leaves out), its prompt key, and its outcome as a ReplayCallView.
import { GEN_AI, isInferenceOperation, OPERATION, PROVIDER } from '@beacon/semconv';
import type { PromptEdit, ReplayCallView, ReplayProvider, ReplayTool, SpanView } from '../contract/index.js';
import { invalidArgument } from '../errors.js';
import { renderOutput, systemText } from './parts.js';

/** The span is a model call a replay can re-run (chat, text_completion, generate_content). */
export function requireModelCall(span: SpanView): NonNullable<SpanView['genai']> {
  // Embeddings are inference too, but there is no completion to re-run and compare.
  const operation = span.genai?.operation;
  if (!span.genai || !operation || !isInferenceOperation(operation) || operation === OPERATION.EMBEDDINGS) {
    const what = span.genai ? `a ${span.genai.operation} span` : 'not a GenAI span';
    throw invalidArgument(
      `spanId: span ${span.spanId} is ${what}; only model calls (chat, completions) can be replayed`,
    );
  }
  return span.genai;
}

/** gen_ai.provider.name → the API a replay speaks: anything but OpenAI and Anthropic is OpenAI-compatible. */
export function replayProviderOf(provider: string | null): ReplayProvider {
  if (provider === PROVIDER.OPENAI) return 'openai';
  if (provider === PROVIDER.ANTHROPIC) return 'anthropic';
  return 'openai_compatible';
}

/** The original call as an edit: what a request that changes nothing would send. */
export function originalEdit(span: SpanView): Omit<PromptEdit, 'model'> & { model: string | null } {
  const genai = requireModelCall(span);
  return {
    provider: replayProviderOf(genai.provider),
    model: genai.requestModel ?? genai.responseModel,
    system: systemText(genai.systemInstructions),
    messages: genai.inputMessages,
    temperature: numberAttribute(span, GEN_AI.REQUEST_TEMPERATURE),
    maxTokens: integerAttribute(span, GEN_AI.REQUEST_MAX_TOKENS),
    tools: toolDefinitions(span.attributes[GEN_AI.TOOL_DEFINITIONS]),
  };
}

/** Groups the versions of one prompt: `<service>/<agent name, else span name>`. */
export function promptKeyOf(span: SpanView): string {
  return `${span.serviceName}/${span.genai?.agentName ?? span.name}`;
}

export function callViewOf(span: SpanView): ReplayCallView {
  const genai = span.genai;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    provider: genai?.provider ?? null,
    model: genai?.responseModel ?? genai?.requestModel ?? null,
    output: renderOutput(genai?.outputMessages ?? []),
    outputMessages: genai?.outputMessages ?? [],
    finishReasons: genai?.finishReasons ?? [],
    usage: genai?.usage ?? {
      inputTokens: null,
      outputTokens: null,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
    },
    costUsd: genai?.costUsd ?? null,
    durationMs: span.durationMs,
  };
}

function numberAttribute(span: SpanView, key: string): number | null {
  const raw = span.attributes[key];
  if (raw === undefined || raw === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

function integerAttribute(span: SpanView, key: string): number | null {
  const value = numberAttribute(span, key);
  return value !== null && Number.isSafeInteger(value) && value > 0 ? value : null;
}

/**
 * gen_ai.tool.definitions (JSON) → tools. Accepts the OTel shape ({type:'function', name, description,
 * parameters}), OpenAI's ({type:'function', function:{…}}) and Anthropic's ({name, input_schema}); entries without
 * a name are skipped.
 */
export function toolDefinitions(raw: string | undefined): ReplayTool[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const tools: ReplayTool[] = [];
  for (const entry of parsed) {
    if (typeof entry !== 'object' || entry === null) continue;
    const outer = entry as Record<string, unknown>;
    const def = (
      typeof outer.function === 'object' && outer.function !== null ? outer.function : outer
    ) as Record<string, unknown>;
    if (typeof def.name !== 'string' || def.name === '') continue;
    const parameters = def.parameters ?? def.input_schema;
    tools.push({
      name: def.name,
      ...(typeof def.description === 'string' ? { description: def.description } : {}),
      ...(typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)
        ? { parameters: parameters as Record<string, unknown> }
        : {}),
    });
  }
  return tools.slice(0, 100);
}
