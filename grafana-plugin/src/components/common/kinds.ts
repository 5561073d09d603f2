import type { GraphNodeKind } from '@beacon/collector/api-contract';
import type { GrafanaTheme2 } from '@grafana/data';

export const KIND_LABELS: Record<GraphNodeKind, string> = {
  agent: 'Agent',
  llm: 'LLM',
  tool: 'Tool',
  retrieval: 'Retrieval',
  workflow: 'Workflow',
  other: 'Span',
};

const KIND_COLORS: Record<GraphNodeKind, string> = {
  agent: 'purple',
  llm: 'blue',
  tool: 'orange',
  retrieval: 'green',
  workflow: 'yellow',
  other: 'text',
};

/** The colour of a node kind, the same in the graph, the waterfall and the badges. */
export function kindColor(theme: GrafanaTheme2, kind: GraphNodeKind): string {
  const name = KIND_COLORS[kind];
  return name === 'text' ? theme.colors.text.secondary : theme.visualization.getColorByName(name);
}

/** The outline of spans an analysis finding points at: one colour in the graph and the waterfall. */
export function findingColor(theme: GrafanaTheme2): string {
  return theme.visualization.getColorByName('yellow');
}
