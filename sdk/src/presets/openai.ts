// OpenAI preset: @opentelemetry/instrumentation-openai (the OTel-maintained instrumentation), plus fills for the
// gaps found against the mock provider (sdk/test/presets-openai.test.ts):
// 1. It names the provider with the deprecated `gen_ai.system` only, so Beacon would file its spans under the
//    deprecated convention → `gen_ai.provider.name` is added when the span starts.
// 2. It records input/output tokens but not `usage.prompt_tokens_details.cached_tokens` nor
//    `completion_tokens_details.reasoning_tokens` (Responses API: input/output_tokens_details) — cache reads and
//    reasoning would be missing from cost → read from the response (or the final usage chunk of a stream) and set
//    as gen_ai.usage.cache_read.input_tokens / gen_ai.usage.reasoning.output_tokens.
// 3. It emits message content as OTel *log* events, not on the span; Beacon (and most trace backends) store
//    spans → with content capture on, each gen_ai.* log record is also added as an event of its span, where the
//    collector reads the messages (gen_ai.user.message, gen_ai.choice, ... and
//    gen_ai.client.inference.operation.details). The log record still goes to the logger provider.
// Streaming usage needs `stream_options: { include_usage: true }` in the request (the instrumentation records it
// then; without it the provider sends no usage and the span is stored as usage-missing). Tool calls are
// recorded (finish reason `tool_calls`; with content on, the tool_call parts with arguments).
import {
  type Context,
  context,
  metrics,
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { AnyValue, Logger, LogRecord } from '@opentelemetry/api-logs';
import { isWrapped } from '@opentelemetry/instrumentation';
import type {
  OpenAIInstrumentation,
  OpenAIInstrumentationConfig,
} from '@opentelemetry/instrumentation-openai';
import { requireDependency } from './installed.js';
import { hookTracer } from './span-hooks.js';
import { markProviderTraced } from './traced-providers.js';

export const OPENAI_PACKAGE = 'openai';
const INSTRUMENTATION_PACKAGE = '@opentelemetry/instrumentation-openai';

const PROVIDER_NAME = 'gen_ai.provider.name';
const SYSTEM = 'gen_ai.system';
const CACHE_READ_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
const REASONING_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

/** Spans this instrumentation started: only those get usage details (never an enclosing agent span). */
const openaiSpans = new WeakSet<Span>();

function onOpenAISpanStart(span: Span, _name: string, options: SpanOptions | undefined): void {
  openaiSpans.add(span);
  const system = options?.attributes?.[SYSTEM];
  if (options?.attributes?.[PROVIDER_NAME] === undefined && typeof system === 'string') {
    span.setAttribute(PROVIDER_NAME, system);
  }
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Chat Completions (`prompt_tokens_details`) and Responses (`input_tokens_details`) usage detail counts. */
function setUsageDetails(span: Span, usage: unknown): void {
  if (!isDict(usage)) return;
  const input = usage.prompt_tokens_details ?? usage.input_tokens_details;
  const output = usage.completion_tokens_details ?? usage.output_tokens_details;
  const cached = isDict(input) ? num(input.cached_tokens) : undefined;
  const reasoning = isDict(output) ? num(output.reasoning_tokens) : undefined;
  if (cached !== undefined) span.setAttribute(CACHE_READ_TOKENS, cached);
  if (reasoning !== undefined) span.setAttribute(REASONING_TOKENS, reasoning);
}

/** The usage of a stream chunk: the last chat chunk (include_usage), or the Responses `response.completed` event. */
function usageOfChunk(chunk: unknown): unknown {
  if (!isDict(chunk)) return undefined;
  if (chunk.usage) return chunk.usage;
  if (chunk.type === 'response.completed' && isDict(chunk.response)) return chunk.response.usage;
  return undefined;
}

interface OpenAIStream {
  iterator(): AsyncIterator<unknown>;
}
const isStream = (v: unknown): v is OpenAIStream =>
  isDict(v) && typeof v.iterator === 'function' && Symbol.asyncIterator in v;

async function* tapUsage(iterator: AsyncIterator<unknown>, span: Span): AsyncGenerator<unknown> {
  const iterable = { [Symbol.asyncIterator]: () => iterator };
  for await (const chunk of iterable) {
    const usage = usageOfChunk(chunk);
    if (usage && span.isRecording()) setUsageDetails(span, usage);
    yield chunk;
  }
}

type Create = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps `create` BELOW the instrumentation's wrapper: it runs inside the instrumentation's span context, and its
 * `then` is registered before the instrumentation's, so the usage details are set before the span ends (for a
 * stream, its iterator is tapped before the instrumentation wraps it).
 */
function withUsageDetails(original: Create): Create {
  return function createWithUsageDetails(this: unknown, ...args: unknown[]): unknown {
    const span = trace.getSpan(context.active());
    const result = original.apply(this, args);
    if (!span || !openaiSpans.has(span) || !isDict(result) || typeof result.then !== 'function')
      return result;
    // The SDK's APIPromise must be returned as is (a Promise subclass with extra methods): observe it instead.
    (result as unknown as PromiseLike<unknown>).then(
      (value) => {
        if (isStream(value)) {
          const iterator = value.iterator.bind(value);
          value.iterator = () => tapUsage(iterator(), span);
        } else if (isDict(value) && span.isRecording()) {
          setUsageDetails(span, value.usage);
        }
      },
      () => undefined, // the instrumentation records the error; the caller sees it on the returned promise
    );
    return result;
  };
}

// Not shimmer (the instrumentation's `_wrap`): it unwraps whatever is shimmer-wrapped before wrapping, which
// would remove this inner wrap again.
const ORIGINAL = Symbol('beacon.openai.original');
type MaybeTapped = Create & { [ORIGINAL]?: Create };

function addUsageDetails(proto: { create: Create }): void {
  if (isWrapped(proto.create) || (proto.create as MaybeTapped)[ORIGINAL]) return;
  const original = proto.create;
  const tapped: MaybeTapped = withUsageDetails(original);
  tapped[ORIGINAL] = original;
  proto.create = tapped;
}

function removeUsageDetails(proto: { create: Create }): void {
  const original = (proto.create as MaybeTapped)[ORIGINAL];
  if (original) proto.create = original;
}

interface OpenAIExports {
  OpenAI: {
    Chat: { Completions: { prototype: { create: Create } } };
    Responses?: { prototype: { create: Create } };
  };
}

/** The CJS exports object, or an ESM namespace (whose `default` is the OpenAI class, which has `.OpenAI`). */
function resolveExports(moduleExports: unknown): OpenAIExports | undefined {
  if (!isDict(moduleExports)) return undefined;
  const candidate =
    (moduleExports as Record<PropertyKey, unknown>)[Symbol.toStringTag] === 'Module'
      ? moduleExports.default
      : moduleExports;
  const exports = candidate as Partial<OpenAIExports> | undefined;
  return exports?.OpenAI?.Chat?.Completions ? (exports as OpenAIExports) : undefined;
}

function createPrototypes(exports: OpenAIExports): { create: Create }[] {
  const protos: { create: Create }[] = [exports.OpenAI.Chat.Completions.prototype];
  if (exports.OpenAI.Responses) protos.push(exports.OpenAI.Responses.prototype);
  return protos;
}

/** A gen_ai.* log record as an event of its span (when that span is still recording). */
function mirrorOnSpan(record: LogRecord): void {
  const attributes = record.attributes ?? {};
  const name = record.eventName ?? attributes['event.name'];
  if (typeof name !== 'string' || !name.startsWith('gen_ai.')) return;
  const span = trace.getSpan((record.context as Context | undefined) ?? context.active());
  if (!span || !openaiSpans.has(span) || !span.isRecording()) return;
  const eventAttributes: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'event.name' || value === undefined || value === null) continue;
    eventAttributes[key] = isPrimitive(value) ? value : JSON.stringify(value);
  }
  if (record.body !== undefined) eventAttributes.body = JSON.stringify(record.body);
  span.addEvent(name, eventAttributes, record.timestamp ?? undefined);
}

const isPrimitive = (v: AnyValue): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function mirroringLogger(logger: Logger): Logger {
  return {
    emit(record: LogRecord): void {
      try {
        mirrorOnSpan(record);
      } catch {
        // never break the instrumented call
      }
      logger.emit(record);
    },
    ...(logger.enabled ? { enabled: logger.enabled.bind(logger) } : {}),
  } as Logger;
}

export interface BeaconOpenAIInstrumentation extends OpenAIInstrumentation {
  /** Instruments the exports of `openai` as imported by the application (ESM namespace or CJS exports). */
  manuallyInstrument(moduleExports: unknown): boolean;
}

export function createOpenAIInstrumentation(captureContent: boolean): BeaconOpenAIInstrumentation {
  const { OpenAIInstrumentation: Base } =
    requireDependency<typeof import('@opentelemetry/instrumentation-openai')>(INSTRUMENTATION_PACKAGE);
  const mirroring = new WeakMap<Logger, Logger>();

  class Instrumentation extends Base implements BeaconOpenAIInstrumentation {
    protected override get tracer(): Tracer {
      return hookTracer(super.tracer, onOpenAISpanStart);
    }

    protected override get logger(): Logger {
      const logger = super.logger;
      if (!this.getConfig().captureMessageContent) return logger;
      let mirrored = mirroring.get(logger);
      if (!mirrored) {
        mirrored = mirroringLogger(logger);
        mirroring.set(logger, mirrored);
      }
      return mirrored;
    }

    // Called by the base constructor: every module definition first gets the usage-details wrap below the
    // instrumentation's own wrap (require-hook, import-hook and manual patching all go through these).
    protected override init(): ReturnType<OpenAIInstrumentation['init']> {
      const definitions = super.init();
      for (const definition of definitions) {
        const { patch, unpatch } = definition;
        definition.patch = (moduleExports: unknown, version?: string) => {
          const exports = resolveExports(moduleExports);
          if (exports) {
            for (const proto of createPrototypes(exports)) addUsageDetails(proto);
            markProviderTraced('openai');
          }
          return patch ? patch(moduleExports, version) : moduleExports;
        };
        definition.unpatch = (moduleExports: unknown, version?: string) => {
          unpatch?.(moduleExports, version);
          const exports = resolveExports(moduleExports);
          if (exports) for (const proto of createPrototypes(exports)) removeUsageDetails(proto);
        };
      }
      return definitions;
    }

    manuallyInstrument(moduleExports: unknown): boolean {
      const exports = resolveExports(moduleExports);
      if (!exports) return false;
      // Already instrumented (by the require hook, the import hook or an earlier call): do not trace twice.
      if (isWrapped(exports.OpenAI.Chat.Completions.prototype.create)) return true;
      const definition = this.getModuleDefinitions()[0];
      definition?.patch?.(moduleExports);
      return true;
    }
  }

  const instrumentation = new Instrumentation({
    captureMessageContent: captureContent,
  } satisfies OpenAIInstrumentationConfig);
  // Its metric instruments exist only after setMeterProvider (class fields reset what the base constructor
  // created); registerInstrumentations calls it, but instrumentClients may use an instance nobody registered.
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  return instrumentation;
}
