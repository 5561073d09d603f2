// LangChain.js preset: @traceloop/instrumentation-langchain (OpenLLMetry), which adds a callback handler to
// every LangChain CallbackManager. It patches the CJS and the ESM build of @langchain/core/callbacks/manager by
// itself when constructed (the ESM one asynchronously, through import()); `instrumentModule` patches the module
// the application imported, synchronously.
//
// Gaps found against the mock provider (sdk/test/presets-langchain.test.ts), filled on its callback handler:
// 1. Tool spans are named after the tool's class (`execute_tool DynamicStructuredTool`) and carry no
//    gen_ai.tool.name / call id → named after the tool (`runName`), with gen_ai.tool.name, gen_ai.tool.call.id
//    (and, with content capture, gen_ai.tool.call.arguments).
// 2. Cached and reasoning tokens (usage_metadata.input_token_details / output_token_details) are not recorded →
//    set as gen_ai.usage.cache_read.input_tokens / gen_ai.usage.reasoning.output_tokens.
// 3. A chat model whose client library a Beacon preset instruments (ChatOpenAI over `openai`, ChatAnthropic over
//    `@anthropic-ai/sdk`) would give each LLM call two LLM spans, the handler's and the client's: tokens and cost
//    counted twice → the handler's LLM span is left out; the client's span (exact usage incl. cache, response
//    id, tool calls) stands for the call. Models of other providers keep the handler's LLM span.
// Left open (content only): tool calls requested by the model are not in the handler's gen_ai.output.messages.
import type { Span } from '@opentelemetry/api';
import type { LangChainInstrumentation } from '@traceloop/instrumentation-langchain';
import { requireDependency } from './installed.js';
import { isProviderTraced } from './traced-providers.js';

/** The module the instrumentation patches (it is loaded only when this resolves: it imports @langchain/core). */
export const LANGCHAIN_PACKAGE = '@langchain/core/callbacks/manager';
const INSTRUMENTATION_PACKAGE = '@traceloop/instrumentation-langchain';

interface CallbackManagerModule {
  CallbackManager: { _configureSync?: unknown };
}

const isCallbackManagerModule = (v: unknown): v is CallbackManagerModule =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Partial<CallbackManagerModule>).CallbackManager?._configureSync === 'function';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

type Handler = (this: HandlerInstance, ...args: unknown[]) => Promise<unknown>;

/** The parts of TraceloopCallbackHandler the fills use (private in its typings). */
interface HandlerInstance {
  spans: Map<string, { span: Span }>;
  traceContent: boolean;
  detectVendor(llm: unknown): string;
}

interface HandlerPrototype extends Record<string, unknown> {
  handleChatModelStart: Handler;
  handleLLMStart: Handler;
  handleLLMEnd: Handler;
  handleToolStart: Handler;
}

const FILLED = Symbol.for('beacon.langchain.filled');

/** usage_metadata of the first generation's message (LangChain's provider-neutral usage). */
function usageMetadataOf(output: unknown): Dict | undefined {
  if (!isDict(output) || !Array.isArray(output.generations)) return undefined;
  const generation = (output.generations as unknown[][])[0]?.[0];
  const message = isDict(generation) ? generation.message : undefined;
  const usage = isDict(message) ? (message as Dict).usage_metadata : undefined;
  return isDict(usage) ? usage : undefined;
}

function fillHandler(proto: HandlerPrototype): void {
  if (proto[FILLED as unknown as string]) return;
  proto[FILLED as unknown as string] = true;
  const { handleChatModelStart, handleLLMStart, handleLLMEnd, handleToolStart } = proto;

  // 3. No second LLM span when the client library itself is traced.
  const skipWhenClientTraced = (original: Handler): Handler =>
    async function (this: HandlerInstance, ...args: unknown[]) {
      if (isProviderTraced(this.detectVendor(args[0]))) return;
      return original.apply(this, args);
    };
  proto.handleChatModelStart = skipWhenClientTraced(handleChatModelStart);
  proto.handleLLMStart = skipWhenClientTraced(handleLLMStart);

  // 2. Cache and reasoning tokens, set before the handler ends the span.
  proto.handleLLMEnd = async function (this: HandlerInstance, ...args: unknown[]) {
    const span = this.spans.get(String(args[1]))?.span;
    const usage = usageMetadataOf(args[0]);
    if (span && usage) {
      const input = usage.input_token_details;
      const output = usage.output_token_details;
      const cacheRead = isDict(input) ? num(input.cache_read) : undefined;
      const reasoning = isDict(output) ? num(output.reasoning) : undefined;
      if (cacheRead !== undefined) span.setAttribute('gen_ai.usage.cache_read.input_tokens', cacheRead);
      if (reasoning !== undefined) span.setAttribute('gen_ai.usage.reasoning.output_tokens', reasoning);
    }
    return handleLLMEnd.apply(this, args);
  };

  // 1. Tool name and call id.
  proto.handleToolStart = async function (this: HandlerInstance, ...args: unknown[]) {
    const result = await handleToolStart.apply(this, args);
    const [, input, runId, , , , runName, toolCallId] = args;
    const span = this.spans.get(String(runId))?.span;
    if (span && typeof runName === 'string' && runName !== '') {
      span.updateName(`execute_tool ${runName}`);
      span.setAttributes({ 'gen_ai.tool.name': runName, 'gen_ai.tool.type': 'function' });
      if (typeof toolCallId === 'string') span.setAttribute('gen_ai.tool.call.id', toolCallId);
      if (this.traceContent && typeof input === 'string')
        span.setAttribute('gen_ai.tool.call.arguments', input);
    }
    return result;
  };
}

export interface BeaconLangChainInstrumentation extends LangChainInstrumentation {
  /** Instruments `@langchain/core/callbacks/manager` as imported by the application. */
  instrumentModule(moduleExports: unknown): boolean;
}

export function createLangChainInstrumentation(captureContent: boolean): BeaconLangChainInstrumentation {
  const { LangChainInstrumentation: Base, TraceloopCallbackHandler } =
    requireDependency<typeof import('@traceloop/instrumentation-langchain')>(INSTRUMENTATION_PACKAGE);
  fillHandler(TraceloopCallbackHandler.prototype as unknown as HandlerPrototype);

  class Instrumentation extends Base implements BeaconLangChainInstrumentation {
    instrumentModule(moduleExports: unknown): boolean {
      if (!isCallbackManagerModule(moduleExports)) return false;
      // Idempotent: the instrumentation marks a patched CallbackManager.
      this.manuallyInstrument({
        callbackManagerModule: moduleExports as Parameters<
          LangChainInstrumentation['manuallyInstrument']
        >[0]['callbackManagerModule'],
      });
      return true;
    }
  }

  return new Instrumentation({ traceContent: captureContent });
}
