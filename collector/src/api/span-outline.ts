// The outline of a trace view's spans (GET /traces/{traceId}?spans=outline): each SpanView without its trace id and
// without the fields at their empty default. A 10,000-span trace's outline is then 5.4 MB instead of 9.5: most of
// its bytes were keys of empty values ("attributes":{}, "toolResult":null, …), and every byte is paid three times —
// written by JSON.stringify, sent, parsed by the browser. The UI restores the defaults (its api/outline.ts).
import type { GenAIOutline, SpanOutline, SpanView } from '../contract/index.js';

/** '', null, false, [] and {}: what a SpanView field holds when there is nothing to say. */
function isEmptyDefault(value: unknown): boolean {
  if (value === '' || value === null || value === false || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function withoutDefaults<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (!isEmptyDefault(value[key])) out[key] = value[key];
  }
  return out;
}

/** The span as an outline carries it (the view was read without attributes, tool text or messages). */
export function spanOutline(span: SpanView): SpanOutline {
  const { traceId: _traceId, attributes: _a, resourceAttributes: _r, genai, ...rest } = span;
  const outline = withoutDefaults(rest) as SpanOutline;
  if (genai) {
    const {
      toolArguments: _ta,
      toolResult: _tr,
      systemInstructions: _s,
      inputMessages: _i,
      outputMessages: _o,
      messageRefs: _m,
      usage,
      ...facts
    } = genai;
    const usageOutline = withoutDefaults(usage);
    outline.genai = withoutDefaults<GenAIOutline>({ ...facts, usage: usageOutline });
  }
  return outline;
}
