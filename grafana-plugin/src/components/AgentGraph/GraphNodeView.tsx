// One node of the agent graph: its kind, name and facts, an error and a finding badge, and on an agent with a group
// the toggle that shows or hides its model calls and tools in place.
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import type { MouseEvent } from 'react';
import { formatCost, formatDuration, formatTokens } from '../../utils/format';
import { findingColor, KIND_LABELS } from '../common/kinds';
import type { GroupSummary, ViewNode } from './groups';
import { LABEL_FONT_SIZE, NODE_HEIGHT, NODE_WIDTH } from './layout';

export interface NodeData extends Record<string, unknown> {
  view: ViewNode;
  color: string;
  selected: boolean;
  current: boolean;
  highlighted: boolean;
  searchMatch: 'none' | 'match' | 'focused';
  onToggleGroup: (nodeId: string) => void;
}

export type BeaconNode = Node<NodeData, 'beacon'>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function groupLine(group: GroupSummary): string {
  const parts: string[] = [];
  if (group.llmCalls > 0) parts.push(plural(group.llmCalls, 'LLM call'));
  if (group.toolCalls > 0) parts.push(plural(group.toolCalls, 'tool call'));
  return parts.join(' · ') || plural(group.memberCount, 'step');
}

function GroupToggle({
  nodeId,
  label,
  group,
  onToggle,
}: {
  nodeId: string;
  label: string;
  group: GroupSummary;
  onToggle: (id: string) => void;
}) {
  const styles = useStyles2(getNodeStyles);
  const toggle = (e: MouseEvent) => {
    e.stopPropagation(); // the node's own click selects it
    onToggle(nodeId);
  };
  return (
    <button
      type="button"
      className={styles.toggle}
      onClick={toggle}
      aria-expanded={group.expanded}
      aria-label={`${group.expanded ? 'Collapse' : 'Expand'} ${label}: ${plural(group.memberCount, 'node')} inside`}
      data-testid={`group-toggle-${nodeId}`}
      title={group.expanded ? 'Hide its model calls and tools' : 'Show its model calls and tools'}
    >
      {group.expanded ? '▾ collapse' : `▸ ${group.memberCount}`}
    </button>
  );
}

export function GraphNodeView({ data }: NodeProps<BeaconNode>) {
  const styles = useStyles2(getNodeStyles);
  const { view, color, selected, current, highlighted, searchMatch, onToggleGroup } = data;
  const { node, group } = view;
  const runs = node.spanIds.length;
  const facts = [formatDuration(node.durationMs)];
  if (runs > 1) facts.unshift(`×${runs}`);
  if (node.tokens > 0) facts.push(`${formatTokens(node.tokens)} tok`);
  if (node.costUsd !== null && node.costUsd > 0) facts.push(formatCost(node.costUsd));
  return (
    <div
      className={cx(
        styles.node,
        searchMatch !== 'none' && styles.searchMatch,
        searchMatch === 'focused' && styles.searchFocused,
        highlighted && styles.highlighted,
        selected && styles.selected,
        current && styles.current,
      )}
      style={{ borderLeftColor: color }}
      data-testid={`graph-node-${node.id}`}
      data-kind={node.kind}
      data-error={node.error ? 'true' : 'false'}
      data-highlighted={highlighted ? 'true' : 'false'}
      data-search-match={searchMatch}
      data-group={group ? (group.expanded ? 'expanded' : 'collapsed') : undefined}
      aria-description={highlighted ? 'Highlighted by an analysis finding' : undefined}
      title={node.label}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className={styles.handle} />
      <div className={styles.header}>
        <span className={styles.kind} style={{ color }}>
          {KIND_LABELS[node.kind]}
        </span>
        <span className={styles.badges}>
          {highlighted && (
            <span
              className={styles.findingBadge}
              data-testid="finding-marker"
              title="An analysis finding points here"
            >
              finding
            </span>
          )}
          {node.error && (
            <span className={styles.errorBadge} data-testid="error-badge" title="This step failed">
              error
            </span>
          )}
          {group && (
            <GroupToggle nodeId={node.id} label={node.label} group={group} onToggle={onToggleGroup} />
          )}
        </span>
      </div>
      <div className={styles.label} data-testid="node-label">
        {node.label}
      </div>
      <div className={styles.meta}>{facts.join(' · ')}</div>
      {group && !group.expanded && <div className={styles.meta}>{groupLine(group)}</div>}
      <Handle type="source" position={Position.Right} isConnectable={false} className={styles.handle} />
    </div>
  );
}

const badge = (theme: GrafanaTheme2, background: string, color: string) =>
  css({
    background,
    color,
    borderRadius: theme.shape.radius.pill,
    padding: '0 6px',
    fontSize: 11,
    fontWeight: theme.typography.fontWeightBold,
  });

const getNodeStyles = (theme: GrafanaTheme2) => ({
  node: css({
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderLeftWidth: 4,
    borderRadius: theme.shape.radius.default,
    cursor: 'pointer',
    overflow: 'hidden',
    fontSize: 12,
    lineHeight: '18px',
  }),
  selected: css({ boxShadow: `0 0 0 3px ${theme.colors.primary.main}` }),
  current: css({ outline: `2px dashed ${theme.colors.warning.main}`, outlineOffset: 2 }),
  highlighted: css({ outline: `3px solid ${findingColor(theme)}`, outlineOffset: 2 }),
  // Green, apart from the selection (blue), findings (yellow) and the time-travel cursor (orange, dashed).
  searchMatch: css({ outline: `2px solid ${theme.visualization.getColorByName('green')}`, outlineOffset: 2 }),
  searchFocused: css({
    outline: `4px solid ${theme.visualization.getColorByName('green')}`,
    outlineOffset: 2,
  }),
  badges: css({ display: 'flex', gap: 4, alignItems: 'center' }),
  findingBadge: badge(theme, findingColor(theme), theme.colors.getContrastText(findingColor(theme))),
  errorBadge: badge(theme, theme.colors.error.main, theme.colors.error.contrastText),
  header: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }),
  kind: css({
    fontWeight: theme.typography.fontWeightMedium,
    textTransform: 'uppercase',
    fontSize: 11,
    letterSpacing: 0.5,
  }),
  toggle: css({
    border: `1px solid ${theme.colors.border.medium}`,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    borderRadius: theme.shape.radius.default,
    fontSize: 11,
    lineHeight: '16px',
    padding: '0 6px',
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
  }),
  label: css({
    fontWeight: theme.typography.fontWeightMedium,
    fontSize: LABEL_FONT_SIZE,
    lineHeight: '20px',
    color: theme.colors.text.primary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  meta: css({
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  handle: css({ opacity: 0 }),
});
