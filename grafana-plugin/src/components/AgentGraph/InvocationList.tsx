// The spans an aggregated node stands for (an agent's invocations, a model's or tool's calls), one row each with
// its start, duration, tokens, cost and status; picking one selects that span. Virtualized: a model node of a
// 10,000-span run stands for 1,500 calls.
import type { GraphNode } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2 } from '@grafana/ui';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { formatCost, formatDuration, formatTokens } from '../../utils/format';
import type { Invocation } from '../../utils/graph';
import { startMs } from '../../utils/spans';

const ROW_HEIGHT = 30;

export interface InvocationListProps {
  node: GraphNode;
  invocations: readonly Invocation[];
  /** Where the trace starts, for each row's "+offset". */
  traceStartMs: number;
  selectedSpanId?: string | null;
  onPick: (spanId: string) => void;
  onClose: () => void;
  maxHeight: number;
}

/** jsdom lays nothing out (height 0): assume the list's own height so that a first screen of rows renders. */
function observeRectOr(height: number) {
  return (
    instance: Virtualizer<HTMLDivElement, Element>,
    cb: (rect: { width: number; height: number }) => void,
  ) => observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height }));
}

function rowFacts(row: Invocation, traceStartMs: number): string[] {
  if (!row.span) return ['not loaded'];
  const facts = [`+${formatDuration(startMs(row.span) - traceStartMs)}`, formatDuration(row.span.durationMs)];
  facts.push(row.tokens > 0 ? `${formatTokens(row.tokens)} tok` : '–');
  facts.push(formatCost(row.costUsd));
  return facts;
}

export function InvocationList({
  node,
  invocations,
  traceStartMs,
  selectedSpanId,
  onPick,
  onClose,
  maxHeight,
}: InvocationListProps) {
  const styles = useStyles2(getStyles);
  const scroller = useRef<HTMLDivElement>(null);
  const listHeight = Math.min(maxHeight, invocations.length * ROW_HEIGHT);
  const virtualizer = useVirtualizer({
    count: invocations.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (index) => invocations[index]!.spanId,
    observeElementRect: observeRectOr(listHeight),
  });
  const selectedIndex = invocations.findIndex((row) => row.spanId === selectedSpanId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const noun = node.kind === 'agent' ? 'invocation' : 'call';
  const failed = invocations.filter((row) => row.error).length;
  return (
    <section
      className={styles.panel}
      aria-label={`${node.label}: its ${noun}s`}
      data-testid="invocation-list"
      data-count={invocations.length}
    >
      <header className={styles.header}>
        <span className={styles.title}>
          {node.label}{' '}
          <span className={styles.count} data-testid="invocation-count">
            {invocations.length} {noun}
            {invocations.length === 1 ? '' : 's'}
            {failed > 0 ? ` · ${failed} failed` : ''}
          </span>
        </span>
        <IconButton name="times" size="sm" tooltip="Close the list" onClick={onClose} />
      </header>
      <div className={styles.columns} aria-hidden>
        <span className={styles.index}>#</span>
        <span className={styles.facts}>start · duration · tokens · cost</span>
        <span>status</span>
      </div>
      <div
        ref={scroller}
        className={styles.scroller}
        style={{ height: listHeight }}
        data-testid="invocation-scroller"
      >
        <ul className={styles.list} style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = invocations[item.index]!;
            const selected = row.spanId === selectedSpanId;
            return (
              <li key={item.key} className={styles.item} style={{ transform: `translateY(${item.start}px)` }}>
                <button
                  type="button"
                  className={cx(styles.row, selected && styles.selected)}
                  onClick={() => onPick(row.spanId)}
                  data-testid="invocation-row"
                  data-span-id={row.spanId}
                  data-index={item.index}
                  aria-current={selected ? 'true' : undefined}
                  title={row.span?.name ?? row.spanId}
                >
                  <span className={styles.index}>#{item.index + 1}</span>
                  <span className={styles.facts}>{rowFacts(row, traceStartMs).join(' · ')}</span>
                  <span className={row.error ? styles.error : styles.ok}>{row.error ? 'error' : 'ok'}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    width: 380,
    flexShrink: 0,
    background: theme.colors.background.primary,
    borderLeft: `1px solid ${theme.colors.border.medium}`,
    fontSize: 13,
  }),
  columns: css({
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(0.25, 1),
    color: theme.colors.text.secondary,
    fontSize: 12,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    padding: theme.spacing(0.5, 1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  title: css({ fontWeight: theme.typography.fontWeightMedium }),
  count: css({ color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightRegular }),
  scroller: css({ overflowY: 'auto' }),
  list: css({ position: 'relative', margin: 0, padding: 0, listStyle: 'none' }),
  item: css({ position: 'absolute', top: 0, left: 0, width: '100%', height: ROW_HEIGHT }),
  row: css({
    width: '100%',
    height: ROW_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0, 1),
    border: 'none',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    background: 'transparent',
    color: theme.colors.text.primary,
    textAlign: 'left',
    cursor: 'pointer',
    fontSize: 13,
    '&:hover': { background: theme.colors.action.hover },
  }),
  selected: css({ background: theme.colors.action.selected }),
  index: css({ color: theme.colors.text.secondary, minWidth: 40, fontVariantNumeric: 'tabular-nums' }),
  facts: css({ flex: 1, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }),
  ok: css({ color: theme.colors.success.text }),
  error: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
});
