// Above the graph: find a span by name (matching nodes highlighted, Enter goes to the next match, Shift+Enter to
// the previous), and open or close every agent group at once.
import type { GraphNode, SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Icon, Input, useStyles2 } from '@grafana/ui';
import { type KeyboardEvent, useMemo, useState } from 'react';

export interface GraphSearch {
  query: string;
  setQuery: (query: string) => void;
  /** Ids of the nodes (of the whole graph) with a matching name or span name, in the graph's order. */
  matches: readonly string[];
  /** The match the view went to last, if any. */
  focused: string | null;
  /** Moves to the next (or previous) match and returns it. */
  step: (by: 1 | -1) => string | null;
}

/** Matches a node by its label or by the name of any of its spans, ignoring case. */
export function useGraphSearch(
  nodes: readonly GraphNode[],
  spans: readonly SpanView[] | undefined,
): GraphSearch {
  const [query, setQueryState] = useState('');
  const [cursor, setCursor] = useState(-1);
  const names = useMemo(() => new Map((spans ?? []).map((s) => [s.spanId, s.name.toLowerCase()])), [spans]);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    return nodes
      .filter((n) => n.label.toLowerCase().includes(q) || n.spanIds.some((id) => names.get(id)?.includes(q)))
      .map((n) => n.id);
  }, [nodes, names, query]);
  const setQuery = (next: string) => {
    setQueryState(next);
    setCursor(-1);
  };
  const step = (by: 1 | -1) => {
    if (matches.length === 0) return null;
    const next = cursor < 0 && by < 0 ? matches.length - 1 : (cursor + by + matches.length) % matches.length;
    setCursor(next);
    return matches[next]!;
  };
  const focused = cursor >= 0 ? (matches[cursor] ?? null) : null;
  return { query, setQuery, matches, focused, step };
}

export interface GraphToolbarProps {
  search: GraphSearch;
  onFocusMatch: (nodeId: string) => void;
  /** Absent when the graph has no agent group. */
  groups?: { anyCollapsed: boolean; onExpandAll: () => void; onCollapseAll: () => void };
}

export function GraphToolbar({ search, onFocusMatch, groups }: GraphToolbarProps) {
  const styles = useStyles2(getStyles);
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const target = search.step(e.shiftKey ? -1 : 1);
    if (target) onFocusMatch(target);
  };
  const position = search.focused ? search.matches.indexOf(search.focused) + 1 : 0;
  return (
    <div className={styles.bar}>
      <div className={styles.search}>
        <Input
          value={search.query}
          onChange={(e) => search.setQuery(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          placeholder="Find a span by name (Enter: next match)"
          aria-label="Find a span in the graph by name"
          prefix={<Icon name="search" />}
          data-testid="graph-search"
          suffix={
            search.query.trim() ? (
              <span className={styles.count} data-testid="graph-search-count">
                {search.matches.length === 0
                  ? 'no match'
                  : `${position > 0 ? `${position} of ` : ''}${search.matches.length} node${search.matches.length === 1 ? '' : 's'}`}
              </span>
            ) : undefined
          }
        />
      </div>
      {groups && (
        <Button
          size="sm"
          variant="secondary"
          icon={groups.anyCollapsed ? 'angle-double-down' : 'angle-up'}
          onClick={groups.anyCollapsed ? groups.onExpandAll : groups.onCollapseAll}
        >
          {groups.anyCollapsed ? 'Expand all agents' : 'Collapse all agents'}
        </Button>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  }),
  search: css({ flex: 1, maxWidth: 480 }),
  count: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
