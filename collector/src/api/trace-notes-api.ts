// PUT /api/v1/traces/{traceId}/tags and /spans/{traceId}/{spanId}/annotations: what people add to a stored trace.
// Each PUT replaces the whole set.
import type { Annotation, SpanAnnotationsResponse, TraceTagsResponse } from '../contract/index.js';
import {
  hasControlCharacters,
  latestAnnotations,
  spanExists,
  writeAnnotations,
  writeTags,
} from '../storage/queries/index.js';
import { badRequest, isJsonObject, notFound } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { ref } from './openapi.js';
import { defineRoute } from './router.js';
import { requireBounds, spanParams, traceIdParam } from './trace-lookup.js';

const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 100;
const MAX_ANNOTATIONS = 100;
const MAX_ANNOTATION_LENGTH = 10_000;
const MAX_AUTHOR_LENGTH = 200;

const putTraceTagsRoute = defineRoute({
  method: 'PUT',
  path: `${API_PREFIX}/traces/{traceId}/tags`,
  pathParams: traceIdParam,
  doc: {
    operationId: 'putTraceTags',
    summary: "Replace a trace's tags",
    description: `Tags are trimmed, de-duplicated (first occurrence kept), 1–${MAX_TAG_LENGTH} characters, at most ${MAX_TAGS}.`,
    tags: ['traces'],
    requestBody: { description: 'The new tag set.', schema: ref('TraceTagsRequest').schema },
    responses: {
      '200': {
        description: 'The tags now on the trace.',
        content: { 'application/json': ref('TraceTagsResponse') },
      },
    },
  },
  handler: async ({ path, body, storage: ctx }) => {
    const tags = parseTags(await body());
    await requireBounds(ctx, path.traceId);
    await writeTags(ctx, path.traceId, tags);
    const result: TraceTagsResponse = { traceId: path.traceId, tags };
    return { json: result };
  },
});

const putSpanAnnotationsRoute = defineRoute({
  method: 'PUT',
  path: `${API_PREFIX}/spans/{traceId}/{spanId}/annotations`,
  pathParams: spanParams,
  doc: {
    operationId: 'putSpanAnnotations',
    summary: "Replace a span's annotations",
    description:
      'The body is the whole new list. An item naming the id of a current annotation (or, without id, equal to ' +
      "one in text and author) keeps that annotation's id and createdAt; other items get a new id and now.",
    tags: ['traces'],
    requestBody: {
      description: 'The new annotation list.',
      schema: ref('SpanAnnotationsRequest').schema,
    },
    responses: {
      '200': {
        description: 'The annotations now on the span.',
        content: { 'application/json': ref('SpanAnnotationsResponse') },
      },
    },
  },
  handler: async ({ path, body, storage: ctx }) => {
    const items = parseAnnotationItems(await body());
    const bounds = await requireBounds(ctx, path.traceId);
    if (!(await spanExists(ctx, path.traceId, path.spanId, bounds))) {
      throw notFound(`span ${path.spanId} not found in trace ${path.traceId}`);
    }
    const current = (await latestAnnotations(ctx, path.traceId, path.spanId)).get(path.spanId) ?? [];
    const annotations = reconcileAnnotations(current, items);
    await writeAnnotations(ctx, path.traceId, path.spanId, annotations);
    const result: SpanAnnotationsResponse = { traceId: path.traceId, spanId: path.spanId, annotations };
    return { json: result };
  },
});

/** Tags and annotations. Their OpenAPI components are the query API's own (openapi.ts SCHEMAS). */
export function createTraceNotesApi(): ApiModule {
  return { routes: [putTraceTagsRoute, putSpanAnnotationsRoute], schemas: {} };
}

export function parseTags(body: unknown): string[] {
  if (!isJsonObject(body) || !Array.isArray(body.tags))
    throw badRequest('tags: expected {"tags": [string, …]}');
  if (body.tags.length > MAX_TAGS) throw badRequest(`tags: at most ${MAX_TAGS}`);
  const tags: string[] = [];
  for (const [i, raw] of body.tags.entries()) {
    if (typeof raw !== 'string') throw badRequest(`tags[${i}]: expected a string`);
    const tag = raw.trim();
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || hasControlCharacters(tag)) {
      throw badRequest(`tags[${i}]: expected 1 to ${MAX_TAG_LENGTH} characters without control characters`);
    }
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

interface AnnotationItem {
  id?: string;
  text: string;
  author: string | null;
}

export function parseAnnotationItems(body: unknown): AnnotationItem[] {
  if (!isJsonObject(body) || !Array.isArray(body.annotations)) {
    throw badRequest('annotations: expected {"annotations": [{"text": …, "author"?: …}, …]}');
  }
  if (body.annotations.length > MAX_ANNOTATIONS) throw badRequest(`annotations: at most ${MAX_ANNOTATIONS}`);
  return body.annotations.map((raw, i): AnnotationItem => {
    const at = `annotations[${i}]`;
    if (!isJsonObject(raw)) throw badRequest(`${at}: expected an object`);
    const { text: body, author, id } = raw;
    if (typeof body !== 'string' || body.trim() === '' || body.length > MAX_ANNOTATION_LENGTH) {
      throw badRequest(`${at}.text: expected 1 to ${MAX_ANNOTATION_LENGTH} characters`);
    }
    if (
      author !== undefined &&
      author !== null &&
      (typeof author !== 'string' || author.length > MAX_AUTHOR_LENGTH)
    ) {
      throw badRequest(`${at}.author: expected a string of at most ${MAX_AUTHOR_LENGTH} characters, or null`);
    }
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 100)) {
      throw badRequest(`${at}.id: expected the id of an annotation`);
    }
    return {
      ...(id === undefined ? {} : { id }),
      text: body,
      author: author === undefined || author === '' ? null : author,
    };
  });
}

/** The new list: items matching a current annotation (by id, else by text and author) keep its id and createdAt. */
export function reconcileAnnotations(
  current: readonly Annotation[],
  items: readonly AnnotationItem[],
): Annotation[] {
  const unclaimed = new Map(current.map((a) => [a.id, a]));
  const now = BigInt(Date.now()) * 1_000_000n;
  return items.map((item, i) => {
    const match =
      (item.id !== undefined ? unclaimed.get(item.id) : undefined) ??
      [...unclaimed.values()].find(
        (a) => item.id === undefined && a.text === item.text && a.author === item.author,
      );
    if (match) unclaimed.delete(match.id);
    return {
      id: match?.id ?? crypto.randomUUID(),
      text: item.text,
      author: item.author,
      createdAt: match?.createdAt ?? (now + BigInt(i)).toString(),
    };
  });
}
