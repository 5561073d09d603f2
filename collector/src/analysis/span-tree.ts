// A trace's spans as a tree (parent → children), with the time helpers and the critical path the analyses share.
import type { SpanView } from '../contract/index.js';

export const startNs = (span: SpanView): bigint => BigInt(span.startTimeUnixNano);
export const endNs = (span: SpanView): bigint => startNs(span) + BigInt(Math.round(span.durationMs * 1e6));

/** Stable order: start time, then span id. */
export function byStart(a: SpanView, b: SpanView): number {
  const d = startNs(a) - startNs(b);
  return d < 0n ? -1 : d > 0n ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/** Latest end first; ties: latest start first (the shorter span ran last), then span id. */
function byEndDesc(a: SpanView, b: SpanView): number {
  const d = endNs(b) - endNs(a);
  if (d !== 0n) return d < 0n ? -1 : 1;
  return -byStart(a, b);
}

/** Parent links of a trace. Spans whose parent is not stored (lost or still in flight) count as roots. */
export class SpanTree {
  readonly spans: readonly SpanView[];
  readonly roots: readonly SpanView[];
  readonly #byId = new Map<string, SpanView>();
  readonly #children = new Map<string, SpanView[]>();

  constructor(spans: readonly SpanView[]) {
    this.spans = [...spans].sort(byStart);
    for (const span of this.spans) this.#byId.set(span.spanId, span);
    const roots: SpanView[] = [];
    for (const span of this.spans) {
      const parent = span.parentSpanId !== span.spanId ? this.#byId.get(span.parentSpanId) : undefined;
      if (!parent) {
        roots.push(span);
        continue;
      }
      const siblings = this.#children.get(parent.spanId) ?? [];
      siblings.push(span);
      this.#children.set(parent.spanId, siblings);
    }
    this.roots = roots;
  }

  get(spanId: string): SpanView | undefined {
    return this.#byId.get(spanId);
  }

  parent(span: SpanView): SpanView | undefined {
    return span.parentSpanId === span.spanId ? undefined : this.#byId.get(span.parentSpanId);
  }

  /** Children in start order. */
  children(span: SpanView): readonly SpanView[] {
    return this.#children.get(span.spanId) ?? [];
  }

  /** Parent first, up to the root. Bounded: stored data could hold a parent cycle. */
  ancestors(span: SpanView): SpanView[] {
    const out: SpanView[] = [];
    const seen = new Set([span.spanId]);
    for (let p = this.parent(span); p && !seen.has(p.spanId); p = this.parent(p)) {
      seen.add(p.spanId);
      out.push(p);
    }
    return out;
  }

  /** Every span below this one. */
  descendants(span: SpanView): SpanView[] {
    const out: SpanView[] = [];
    const seen = new Set([span.spanId]);
    const stack = [...this.children(span)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next.spanId)) continue;
      seen.add(next.spanId);
      out.push(next);
      stack.push(...this.children(next));
    }
    return out;
  }

  /** The agent a span ran under: its own gen_ai agent name, else its nearest ancestor's. */
  agentOf(span: SpanView): string | null {
    if (span.genai?.agentName) return span.genai.agentName;
    for (const ancestor of this.ancestors(span))
      if (ancestor.genai?.agentName) return ancestor.genai.agentName;
    return null;
  }

  /**
   * The critical path: the spans the trace's end waited on. Definition (as Jaeger's critical path): start at the
   * top-level span that ends last; inside a span, take the child that ends last, then — walking back in time —
   * the child that ended last before that one started, and so on; recurse into every child taken. Sequential
   * steps of an agent are all on it; work running in parallel with a longer branch is not.
   */
  criticalPath(): Set<string> {
    const onPath = new Set<string>();
    const walk = (span: SpanView) => {
      onPath.add(span.spanId);
      pick(this.children(span));
    };
    const pick = (candidates: readonly SpanView[]) => {
      let cursor: bigint | null = null;
      for (const child of [...candidates].sort(byEndDesc)) {
        if (onPath.has(child.spanId)) continue;
        if (cursor !== null && endNs(child) > cursor) continue;
        walk(child);
        cursor = startNs(child);
      }
    };
    pick(this.roots);
    return onPath;
  }
}
