// Builders for test spans.
import type { Attributes, SpanInput } from '../src/model.js';

const SPAN_KIND_CLIENT = 3;

export function span(name: string, attributes: Attributes, extra: Partial<SpanInput> = {}): SpanInput {
  return { name, kind: SPAN_KIND_CLIENT, attributes, ...extra };
}
