// Anthropic preset: @traceloop/instrumentation-anthropic (OpenLLMetry; there is no OTel-maintained one), plus
// the fill for the gap found against the mock provider (sdk/test/presets-anthropic.test.ts):
// - it writes Anthropic's raw `input_tokens` to gen_ai.usage.input_tokens next to gen_ai.provider.name. The OTel
//   GenAI conventions define that count as INCLUDING cache reads and writes (Anthropic's excludes them), so a
//   backend following the spec under-counts input and mis-prices cached calls → right before the span ends,
//   gen_ai.usage.input_tokens becomes input + cache_read + cache_creation.
// - its patch (require hook) and `manuallyInstrument` wrap `Anthropic.Completions.prototype.create`, which
//   @anthropic-ai/sdk 1.x no longer has (the legacy Text Completions API was removed): both throw, and nothing is
//   traced → Beacon patches Messages and Beta.Messages itself, with the instrumentation's own wrapper.
// - @anthropic-ai/sdk 1.x traces its own API calls (a CLIENT span `anthropic.messages.create` with GenAI usage,
//   on by default). Under the instrumentation's span that is a second LLM span for the same call: tokens and
//   cost would be counted twice → tracing is suppressed for the SDK call inside a call the preset traces (the
//   preset's span keeps finish reasons and, with content capture, the messages; the SDK's own span has neither
//   by default). Clients used outside the preset keep their native spans.
// Known gaps left open: for streamed responses the instrumentation records no finish reason; and (content only)
// it does not accumulate tool_use input deltas, so a streamed tool call's arguments appear as {}.
import {
  context,
  createContextKey,
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { AnthropicInstrumentation } from '@traceloop/instrumentation-anthropic';
import { requireDependency } from './installed.js';
import { beforeSpanEnd, hookTracer } from './span-hooks.js';
import { markProviderTraced } from './traced-providers.js';

export const ANTHROPIC_PACKAGE = '@anthropic-ai/sdk';
const INSTRUMENTATION_PACKAGE = '@traceloop/instrumentation-anthropic';

const INPUT_TOKENS = 'gen_ai.usage.input_tokens';
const CACHE_READ_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
const CACHE_CREATION_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function includeCacheInInputTokens(span: Span, attributes: ReadonlyMap<string, unknown>): void {
  const input = attributes.get(INPUT_TOKENS);
  if (typeof input !== 'number') return;
  const cached = count(attributes.get(CACHE_READ_TOKENS)) + count(attributes.get(CACHE_CREATION_TOKENS));
  if (cached > 0) span.setAttribute(INPUT_TOKENS, input + cached);
}

/** Spans the instrumentation started: inside those (only), the SDK's own call span is suppressed. */
const anthropicSpans = new WeakSet<Span>();

function onAnthropicSpanStart(span: Span, _name: string, options: SpanOptions | undefined): void {
  anthropicSpans.add(span);
  beforeSpanEnd(span, options, includeCacheInInputTokens);
}

// @opentelemetry/core's suppressTracing() key (createContextKey is Symbol.for(description), so this is the same
// key): the OTel SDK's tracers start non-recording spans under it. Rebuilt here rather than importing
// @opentelemetry/core, which is not a dependency of this package.
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

type Create = (this: unknown, ...args: unknown[]) => unknown;
const ORIGINAL = Symbol('beacon.anthropic.original');
type MaybeWrapped = Create & { [ORIGINAL]?: Create };

/** Below the instrumentation's wrapper (plain assignment: its shimmer `_wrap` would undo a shimmer wrap). */
function suppressNativeSpan(proto: { create: unknown }): void {
  const original = proto.create as MaybeWrapped;
  if (typeof original !== 'function' || original[ORIGINAL] || isWrapped(original)) return;
  const wrapped: MaybeWrapped = function createWithoutNativeSpan(this: unknown, ...args: unknown[]): unknown {
    const span = trace.getSpan(context.active());
    if (!span || !anthropicSpans.has(span)) return original.apply(this, args);
    return context.with(context.active().setValue(SUPPRESS_TRACING, true), () => original.apply(this, args));
  };
  wrapped[ORIGINAL] = original;
  proto.create = wrapped;
}

function restoreNativeSpan(proto: { create: unknown }): void {
  const original = (proto.create as MaybeWrapped)[ORIGINAL];
  if (original) proto.create = original;
}

interface Creatable {
  prototype: { create: unknown };
}

interface AnthropicExports {
  Anthropic: { Messages: Creatable; Beta?: { Messages?: Creatable }; Completions?: Creatable };
}

/** Private in its typings; its wrapper factory is what the instrumentation's own patch uses. */
interface AnthropicInternals {
  patchAnthropic(type: 'chat', moduleExports: unknown): (original: unknown) => unknown;
}

function messagesClasses(exports: AnthropicExports): Creatable[] {
  const classes = [exports.Anthropic.Messages];
  if (exports.Anthropic.Beta?.Messages) classes.push(exports.Anthropic.Beta.Messages);
  return classes;
}

const isAnthropicExports = (v: unknown): v is AnthropicExports =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Partial<AnthropicExports>).Anthropic?.Messages?.prototype === 'object';

export interface BeaconAnthropicInstrumentation extends AnthropicInstrumentation {
  /** Instruments `@anthropic-ai/sdk` as imported by the application; false when `moduleExports` is not it. */
  instrumentModule(moduleExports: unknown): boolean;
}

export function createAnthropicInstrumentation(captureContent: boolean): BeaconAnthropicInstrumentation {
  const { AnthropicInstrumentation: Base } =
    requireDependency<typeof import('@traceloop/instrumentation-anthropic')>(INSTRUMENTATION_PACKAGE);

  class Instrumentation extends Base implements BeaconAnthropicInstrumentation {
    constructor(config: { traceContent: boolean }) {
      super(config);
      // The require / import hooks read these when the module loads, i.e. after this constructor.
      for (const definition of this.getModuleDefinitions()) {
        definition.patch = (moduleExports: unknown) => {
          this.instrumentModule(moduleExports);
          return moduleExports;
        };
        definition.unpatch = (moduleExports: unknown) => {
          if (!isAnthropicExports(moduleExports)) return;
          for (const cls of messagesClasses(moduleExports)) {
            this._unwrap(cls.prototype, 'create');
            restoreNativeSpan(cls.prototype);
          }
        };
      }
    }

    protected override get tracer(): Tracer {
      return hookTracer(super.tracer, onAnthropicSpanStart);
    }

    override manuallyInstrument(
      moduleExports: Parameters<AnthropicInstrumentation['manuallyInstrument']>[0],
    ): void {
      this.instrumentModule(moduleExports);
    }

    instrumentModule(moduleExports: unknown): boolean {
      if (!isAnthropicExports(moduleExports)) return false;
      const internals = this as unknown as AnthropicInternals;
      for (const cls of messagesClasses(moduleExports)) {
        // Already instrumented (require hook or an earlier call): do not trace twice.
        if (isWrapped(cls.prototype.create)) continue;
        suppressNativeSpan(cls.prototype);
        this._wrap(cls.prototype, 'create', internals.patchAnthropic('chat', moduleExports) as never);
      }
      markProviderTraced('anthropic');
      return true;
    }
  }

  return new Instrumentation({ traceContent: captureContent });
}
