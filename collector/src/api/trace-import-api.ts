// POST /api/v1/traces/import: a trace export (TraceExportJson) or an OTLP/JSON request, through the same pipeline
// as OTLP ingest. The export formats are in trace-io.ts.
import type { TraceImportResponse } from '../contract/index.js';
import type { DecodedSpan, DecodeResult, SpanSink } from '../model.js';
import { storedSpanKeys, writeAnnotations, writeTags } from '../storage/queries/index.js';
import { ApiError, badRequest, isJsonObject } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { ref } from './openapi.js';
import { defineRoute } from './router.js';
import { isTraceExport, type ParsedExport, parseTraceExport } from './trace-io.js';

/** Where POST /traces/import sends spans: the same pipeline as OTLP ingest. */
export interface TraceIngest {
  sink: SpanSink;
  /** OTLP/JSON → spans (the OTLP/HTTP receiver's decoder); throws on a malformed request. */
  decodeOtlpJson(body: string): DecodeResult;
  /** Resolves once every accepted span is stored, so an imported trace can be read right after the answer. */
  flush(): Promise<void>;
}

export function createTraceImportApi(ingest: TraceIngest): ApiModule {
  const route = defineRoute({
    method: 'POST',
    path: `${API_PREFIX}/traces/import`,
    doc: {
      operationId: 'importTraces',
      summary: 'Import a trace export (TraceExportJson) or an OTLP/JSON request',
      description:
        'Spans go through the same pipeline as OTLP ingest (normalization, cost); spans already stored are ' +
        'skipped. A TraceExportJson also brings its tags and annotations. Answers once the spans are stored.',
      tags: ['traces'],
      requestBody: {
        description: 'TraceExportJson, or an OTLP/JSON ExportTraceServiceRequest.',
        schema: { oneOf: [ref('TraceExportJson').schema, ref('OtlpExportTraceServiceRequest').schema] },
      },
      responses: {
        '200': {
          description: 'What was imported.',
          content: { 'application/json': ref('TraceImportResponse') },
        },
      },
    },
    handler: async ({ body, storage: ctx, principal }) => {
      const { spans, exported } = decodeImport(await body(), ingest.decodeOtlpJson);
      const traceIds = [...new Set(spans.map((span) => span.traceId))];
      const stored = await storedSpanKeys(ctx, traceIds);
      const fresh = spans.filter((span) => !stored.has(`${span.traceId}/${span.spanId}`));
      const outcome = ingest.sink.accept(fresh, 'http_json', principal.tenant);
      if (!outcome.accepted) {
        throw new ApiError(503, 'unavailable', `import refused (${outcome.reason}), retry later`, {
          'retry-after': String(outcome.retryAfterSeconds),
        });
      }
      await ingest.flush();
      if (exported) {
        if (exported.tags.length > 0) await writeTags(ctx, exported.traceId, exported.tags);
        for (const { spanId, annotations } of exported.annotations) {
          await writeAnnotations(ctx, exported.traceId, spanId, annotations);
        }
      }
      const result: TraceImportResponse = { imported: fresh.length, traceIds };
      return { json: result };
    },
  });
  // Its components are the query API's own (openapi.ts SCHEMAS).
  return { routes: [route], schemas: {} };
}

/** An import body → spans (and, for Beacon's own export format, the tags and annotations it carries). */
function decodeImport(
  doc: unknown,
  decodeOtlpJson: TraceIngest['decodeOtlpJson'],
): { spans: DecodedSpan[]; exported?: ParsedExport } {
  if (isTraceExport(doc)) {
    const exported = parseTraceExport(doc);
    return { spans: exported.spans, exported };
  }
  if (!isJsonObject(doc) || !('resourceSpans' in doc || 'resource_spans' in doc)) {
    throw badRequest(
      'body: expected a trace export ({"format":"beacon.trace.v1",…}) or an OTLP/JSON request ({"resourceSpans":[…]})',
    );
  }
  let decoded: DecodeResult;
  try {
    decoded = decodeOtlpJson(JSON.stringify(doc));
  } catch (err) {
    throw badRequest(`body: ${(err as Error).message}`);
  }
  if (decoded.rejectedSpans > 0) {
    throw badRequest(`body: ${decoded.rejectedSpans} invalid span(s): ${decoded.errors.join('; ')}`);
  }
  return { spans: decoded.spans };
}
