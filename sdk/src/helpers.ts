// GenAI span helpers for agents, tools and workflows, named and attributed per the OTel GenAI conventions
// (invoke_agent / execute_tool / invoke_workflow). Model calls are in llm.ts.

import { GEN_AI, OPERATION } from '@beacon/semconv';
import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { contentAttribute } from './content.js';
import { currentScope } from './scope.js';
import { settings } from './settings.js';
import { childScope, runInSpan, type SpanHooks } from './spans.js';
import { tracer } from './tracer.js';

export interface AgentOptions {
  /** gen_ai.agent.id */
  id?: string;
  description?: string;
  version?: string;
  /** gen_ai.provider.name of the agent framework/service, when there is one. */
  provider?: string;
  conversationId?: string;
  attributes?: Attributes;
}

export interface ToolOptions {
  /** gen_ai.tool.call.id: the id the model gave this call. */
  callId?: string;
  /** gen_ai.tool.type: function (default), extension or datastore. */
  type?: 'function' | 'extension' | 'datastore' | (string & {});
  description?: string;
  /** The call's arguments: recorded only with content capture; also what loop detection compares. */
  arguments?: unknown;
  attributes?: Attributes;
}

export interface WorkflowOptions {
  attributes?: Attributes;
}

function definedAttributes(entries: Record<string, string | undefined>, extra?: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return { ...out, ...extra };
}

/** Agent and workflow spans open a guarded run's root, where a timeout is recorded. */
function startRootable(name: string, attributes: Attributes): { span: Span; hooks: SpanHooks } {
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes });
  const run = currentScope().run;
  const hooks: SpanHooks = run ? { onStart: (abort) => run.attachRoot(span, abort) } : {};
  return { span, hooks };
}

/**
 * Runs `fn` as an agent invocation: span `invoke_agent {name}`. `fn` may be sync, async or return an async
 * iterator (the span then ends with the iteration); its result and errors pass through unchanged.
 */
export function agent<R>(name: string, fn: (span: Span) => R, options: AgentOptions = {}): R {
  const { span, hooks } = startRootable(
    `${OPERATION.INVOKE_AGENT} ${name}`,
    definedAttributes(
      {
        [GEN_AI.OPERATION_NAME]: OPERATION.INVOKE_AGENT,
        [GEN_AI.AGENT_NAME]: name,
        [GEN_AI.AGENT_ID]: options.id,
        [GEN_AI.AGENT_DESCRIPTION]: options.description,
        [GEN_AI.AGENT_VERSION]: options.version,
        [GEN_AI.PROVIDER_NAME]: options.provider,
        [GEN_AI.CONVERSATION_ID]: options.conversationId,
      },
      options.attributes,
    ),
  );
  return runInSpan(span, childScope({ agentName: name }), () => fn(span), hooks);
}

/** Runs `fn` as a workflow: span `invoke_workflow {name}`. */
export function workflow<R>(name: string, fn: (span: Span) => R, options: WorkflowOptions = {}): R {
  const { span, hooks } = startRootable(
    `${OPERATION.INVOKE_WORKFLOW} ${name}`,
    definedAttributes(
      { [GEN_AI.OPERATION_NAME]: OPERATION.INVOKE_WORKFLOW, [GEN_AI.WORKFLOW_NAME]: name },
      options.attributes,
    ),
  );
  return runInSpan(span, childScope({}), () => fn(span), hooks);
}

/**
 * Runs `fn` as a tool execution: span `execute_tool {name}`. Arguments and result are recorded (redacted) only
 * with content capture. Inside a guarded run, the call counts towards loop detection.
 */
export function tool<R>(name: string, fn: (span: Span) => R, options: ToolOptions = {}): R {
  const content = settings();
  const attributes = definedAttributes(
    {
      [GEN_AI.OPERATION_NAME]: OPERATION.EXECUTE_TOOL,
      [GEN_AI.TOOL_NAME]: name,
      [GEN_AI.TOOL_CALL_ID]: options.callId,
      [GEN_AI.TOOL_TYPE]: options.type ?? 'function',
      [GEN_AI.TOOL_DESCRIPTION]: options.description,
    },
    options.attributes,
  );
  if (content.captureContent && options.arguments !== undefined) {
    attributes[GEN_AI.TOOL_CALL_ARGUMENTS] = contentAttribute(options.arguments, content.redact);
  }
  const span = tracer().startSpan(`${OPERATION.EXECUTE_TOOL} ${name}`, {
    kind: SpanKind.INTERNAL,
    attributes,
  });
  const run = currentScope().run;
  const hooks: SpanHooks = content.captureContent
    ? {
        onResult: (value) => {
          if (value !== undefined)
            span.setAttribute(GEN_AI.TOOL_CALL_RESULT, contentAttribute(value, content.redact));
        },
      }
    : {};
  return runInSpan(
    span,
    childScope({}),
    () => {
      run?.checkToolCall(name, options.arguments, span);
      return fn(span);
    },
    hooks,
  );
}

/** `fn` as a function whose every call is an agent invocation. */
export function wrapAgent<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  options?: AgentOptions,
): (...args: A) => R {
  return (...args: A) => agent(name, () => fn(...args), options);
}

/** `fn` as a function whose every call is a workflow run. */
export function wrapWorkflow<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  options?: WorkflowOptions,
): (...args: A) => R {
  return (...args: A) => workflow(name, () => fn(...args), options);
}

/**
 * `fn` as a tool: every call is an `execute_tool` span whose arguments are the call's (the single argument, or
 * the argument list), for content capture and loop detection.
 */
export function wrapTool<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  options?: Omit<ToolOptions, 'arguments'>,
): (...args: A) => R {
  return (...args: A) =>
    tool(name, () => fn(...args), { ...options, arguments: args.length === 1 ? args[0] : args });
}
