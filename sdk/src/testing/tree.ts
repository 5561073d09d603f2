// Finished spans as a tree: roots are spans whose parent is not among them; children in start order.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface SpanNode {
  span: ReadableSpan;
  children: SpanNode[];
}

function startNanos(span: ReadableSpan): number {
  return span.startTime[0] * 1e9 + span.startTime[1];
}

export function spanTree(spans: readonly ReadableSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.spanContext().spanId, { span, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parentId = node.span.parentSpanContext?.spanId;
    const parent = parentId === undefined ? undefined : nodes.get(parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => startNanos(a.span) - startNanos(b.span);
  const sort = (list: SpanNode[]) => {
    list.sort(byStart);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1e3 + span.duration[1] / 1e6;
}

/** The tree as indented lines, for failure messages. */
export function renderTree(nodes: readonly SpanNode[], indent = '  '): string {
  const lines: string[] = [];
  const walk = (list: readonly SpanNode[], depth: number) => {
    for (const node of list) {
      const error = node.span.status.code === 2 ? ' [ERROR]' : '';
      lines.push(`${indent.repeat(depth + 1)}${node.span.name}${error}`);
      walk(node.children, depth + 1);
    }
  };
  walk(nodes, 0);
  return lines.length > 0 ? lines.join('\n') : `${indent}(no spans)`;
}
