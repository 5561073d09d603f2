// Reads each span's GenAI facts, whichever convention emitted them (OTel, OpenInference, OpenLLMetry, Vercel AI).
import { type GenAIFacts, normalizeGenAISpan } from '@beacon/semconv';
import type { DecodedSpan } from '../model.js';

export function normalizeSpan(span: DecodedSpan): GenAIFacts | null {
  return normalizeGenAISpan({
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    resourceAttributes: span.resource,
    events: span.events,
    statusCode: span.statusCode,
    statusMessage: span.statusMessage,
  });
}
