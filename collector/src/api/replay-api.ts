// POST /api/v1/replay and the prompt-version routes (the work is in replay/; this is the HTTP face of it).
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/index.js';
import type { PromptVersionListResponse } from '../contract/index.js';
import { createReplayService, type ReplayServiceOptions } from '../replay/replay-service.js';
import { parseRestoreRequest } from '../replay/request.js';
import type { QueryContext } from '../storage/queries/index.js';
import { apiErrorOf, badRequest } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import {
  array,
  componentRef,
  integer,
  nullableNumber,
  nullableString,
  number,
  object,
  schemaRef,
  string,
} from './openapi.js';
import { type JsonSchema, type ParamSpec, text } from './params.js';
import { defineRoute } from './router.js';

const nullableInteger = { type: ['integer', 'null'] };
const provider = { type: 'string', enum: ['openai', 'anthropic', 'openai_compatible'] };

const ERROR_JSON = { 'application/json': schemaRef('ApiErrorBody') };

/** OpenAPI components of the replay routes (names distinct from the query API's and the analysis module's). */
export const REPLAY_SCHEMAS: Record<string, JsonSchema> = {
  ReplayTool: object(
    {
      name: string,
      description: string,
      parameters: {
        type: 'object',
        description: 'JSON Schema of the arguments.',
        additionalProperties: true,
      },
    },
    ['description', 'parameters'],
  ),
  PromptEdit: object({
    provider,
    model: string,
    system: nullableString,
    messages: array(schemaRef('Message')),
    temperature: nullableNumber,
    maxTokens: nullableInteger,
    tools: array(schemaRef('ReplayTool')),
  }),
  ReplayRequest: {
    ...object(
      {
        traceId: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
        spanId: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
        provider: { ...provider, description: "Default: from the span's gen_ai.provider.name." },
        model: { type: 'string', minLength: 1, maxLength: 200, description: 'Default: the original model.' },
        system: { type: ['string', 'null'], description: 'System instructions; null for none.' },
        messages: { ...array(schemaRef('Message')), description: 'Default: the original input messages.' },
        temperature: { type: ['number', 'null'], minimum: 0, maximum: 2 },
        maxTokens: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000 },
        tools: { ...array(schemaRef('ReplayTool')), maxItems: 100 },
        baseUrl: {
          type: 'string',
          format: 'uri',
          description:
            "Endpoint base URL; default: the provider's configured one. The collector's configured key is only " +
            'sent to that configured URL.',
        },
        apiKey: { type: 'string', description: 'Used for this call only: never stored, logged or returned.' },
        stream: { type: 'boolean', description: 'Answer as text/event-stream (delta events, then result).' },
        label: {
          type: 'string',
          maxLength: 200,
          description: 'Label of the prompt version this replay saves.',
        },
      },
      [
        'provider',
        'model',
        'system',
        'messages',
        'temperature',
        'maxTokens',
        'tools',
        'baseUrl',
        'apiKey',
        'stream',
        'label',
      ],
    ),
  },
  DiffOp: object({ op: { type: 'string', enum: ['equal', 'insert', 'delete'] }, text: string }),
  ReplayCallView: object({
    traceId: string,
    spanId: string,
    provider: nullableString,
    model: nullableString,
    output: { ...string, description: 'Text parts joined; tool calls as name(arguments).' },
    outputMessages: array(schemaRef('Message')),
    finishReasons: array(string),
    usage: schemaRef('TokenUsageView'),
    costUsd: nullableNumber,
    durationMs: number,
  }),
  PromptVersion: object({
    id: string,
    promptKey: string,
    version: integer,
    label: nullableString,
    createdAt: { ...string, description: 'Nanoseconds since the epoch, decimal.' },
    sourceTraceId: string,
    sourceSpanId: string,
    edit: schemaRef('PromptEdit'),
    replayTraceId: nullableString,
  }),
  ReplayResult: object({
    original: schemaRef('ReplayCallView'),
    replay: schemaRef('ReplayCallView'),
    diff: array(schemaRef('DiffOp')),
    version: schemaRef('PromptVersion'),
  }),
  PromptVersionListResponse: object({ promptKey: string, versions: array(schemaRef('PromptVersion')) }),
  PromptRestoreRequest: object({ label: { type: 'string', maxLength: 200 } }, ['label']),
  ReplayEventStream: {
    type: 'string',
    description:
      'Server-Sent Events: `delta` events ({"text": "…"}) as the completion arrives, then one `result` ' +
      '(ReplayResult) or one `error` (ApiErrorBody).',
  },
};

/** A version id (UUID) in the path. */
const versionIdParam: ParamSpec<string> = {
  description: 'Prompt version id.',
  schema: { type: 'string', format: 'uuid' },
  required: true,
  parse(raw, name) {
    if (raw === undefined || !/^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/.test(raw))
      throw badRequest(`${name}: expected a prompt version id (UUID)`);
    return raw.toLowerCase();
  },
};

/** An optional hex id in the query. */
function optionalHexId(bytes: number, description: string): ParamSpec<string | undefined> {
  const pattern = new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);
  return {
    description,
    schema: { type: 'string', pattern: pattern.source },
    required: false,
    parse(raw, name) {
      if (raw === undefined || raw === '') return undefined;
      if (!pattern.test(raw)) throw badRequest(`${name}: expected ${bytes * 2} hex characters`);
      return raw.toLowerCase();
    },
  };
}

/** True when the request carries a body (the restore body is optional). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** What replays need of the collector: provider settings, the pipeline to trace each call into, a logger. */
export type ReplayApiOptions = Omit<ReplayServiceOptions, 'tenant' | 'storage'>;

export function createReplayApi(options: ReplayApiOptions): ApiModule {
  // One service per tenant: prompt versions are numbered per tenant, and a replay is stored as its caller's.
  const services = new Map<string, ReturnType<typeof createReplayService>>();
  const serviceOf = ({ principal, storage }: { principal: Principal; storage: QueryContext }) => {
    let service = services.get(principal.tenant);
    if (!service) {
      service = createReplayService({ ...options, tenant: principal.tenant, storage });
      services.set(principal.tenant, service);
    }
    return service;
  };
  const routes = [
    defineRoute({
      method: 'POST',
      path: `${API_PREFIX}/replay`,
      doc: {
        operationId: 'replay',
        summary: 'Re-run a model call with edits',
        description:
          'Takes a model-call span (chat, completions), applies the edits (every field defaults to the original ' +
          'call), calls the provider, and answers with the new completion, its tokens and cost, a word diff ' +
          'against the original, and the prompt version saved. The call is traced as a new trace (service ' +
          'beacon-replay) linked to the original span. With stream: true the answer is text/event-stream.',
        tags: ['replay'],
        requestBody: {
          description: 'What to replay and what to change.',
          schema: schemaRef('ReplayRequest'),
        },
        responses: {
          '200': {
            description: 'The replay (JSON), or its event stream when stream is true.',
            content: {
              'application/json': componentRef('ReplayResult'),
              'text/event-stream': componentRef('ReplayEventStream'),
            },
          },
          '404': { description: 'No such trace or span.', content: ERROR_JSON },
          '502': {
            description: 'The provider failed (the replay span is stored with status Error).',
            content: ERROR_JSON,
          },
        },
      },
      handler: async (ctx) => {
        const service = serviceOf(ctx);
        const prepared = await service.prepare(await ctx.body());
        if (!prepared.stream) return { json: await service.run(prepared) };
        return {
          events: async (stream) => {
            try {
              const result = await service.run(prepared, {
                onDelta: (delta) => stream.send('delta', { text: delta }),
                signal: stream.signal,
              });
              stream.send('result', result);
            } catch (err) {
              const apiError = apiErrorOf(err);
              if (!apiError) throw err;
              stream.send('error', { error: { code: apiError.code, message: apiError.message } });
            }
          },
        };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/prompts/versions`,
      query: {
        traceId: optionalHexId(16, 'With spanId: the versions of the prompt of this span.'),
        spanId: optionalHexId(8, 'With traceId: the versions of the prompt of this span.'),
        promptKey: text('The versions of this prompt key (`<service>/<agent or span name>`).'),
      },
      doc: {
        operationId: 'listPromptVersions',
        summary: "List a prompt's versions, newest first",
        description: 'Give either traceId and spanId (the prompt of that span) or promptKey.',
        tags: ['replay'],
        responses: {
          '200': {
            description: 'The versions.',
            content: { 'application/json': componentRef('PromptVersionListResponse') },
          },
          '404': { description: 'No such trace or span.', content: ERROR_JSON },
        },
      },
      handler: async (ctx) => {
        const { query } = ctx;
        const service = serviceOf(ctx);
        let promptKey = query.promptKey;
        if (query.traceId !== undefined || query.spanId !== undefined) {
          if (query.traceId === undefined) throw badRequest('traceId: required with spanId');
          if (query.spanId === undefined) throw badRequest('spanId: required with traceId');
          if (promptKey !== undefined)
            throw badRequest('promptKey: give either promptKey or traceId and spanId');
          promptKey = await service.promptKeyOfSpan(query.traceId, query.spanId);
        }
        if (promptKey === undefined) throw badRequest('promptKey: required (or traceId and spanId)');
        const result: PromptVersionListResponse = {
          promptKey,
          versions: await service.versions.list(promptKey),
        };
        return { json: result };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/prompts/versions/{versionId}`,
      pathParams: { versionId: versionIdParam },
      doc: {
        operationId: 'getPromptVersion',
        summary: 'One prompt version',
        tags: ['replay'],
        responses: {
          '200': {
            description: 'The version.',
            content: { 'application/json': componentRef('PromptVersion') },
          },
          '404': { description: 'No such version.', content: ERROR_JSON },
        },
      },
      handler: async (ctx) => ({ json: await serviceOf(ctx).versions.get(ctx.path.versionId) }),
    }),

    defineRoute({
      method: 'POST',
      path: `${API_PREFIX}/prompts/versions/{versionId}/restore`,
      pathParams: { versionId: versionIdParam },
      doc: {
        operationId: 'restorePromptVersion',
        summary: 'Restore a prompt version as the newest one',
        description:
          'Saves a new version holding the edit of this one (label default `restored from v<N>`, replayTraceId ' +
          'null until it is run). The body is optional.',
        tags: ['replay'],
        requestBody: { description: 'Optional label.', schema: schemaRef('PromptRestoreRequest') },
        responses: {
          '200': {
            description: 'The new version.',
            content: { 'application/json': componentRef('PromptVersion') },
          },
          '404': { description: 'No such version.', content: ERROR_JSON },
        },
      },
      handler: async (ctx) => {
        const { label } = parseRestoreRequest(hasBody(ctx.req) ? await ctx.body() : {});
        return { json: await serviceOf(ctx).versions.restore(ctx.path.versionId, label) };
      },
    }),
  ];
  return { routes, schemas: REPLAY_SCHEMAS };
}
