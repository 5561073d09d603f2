// How an agent's context window grew between its successive LLM calls: one collapsed row per call (messages, input
// tokens, growth since the previous call), expanded on demand to the messages that were new since the previous
// call. Rows are virtualized: an agent of a long run makes thousands of calls.
import type { SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { EmptyState, RadioButtonGroup, Text, useStyles2 } from '@grafana/ui';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type ContextStep, contextGrowth } from '../../utils/messages';
import { ContextStepRow } from './ContextStepRow';

export interface ContextViewProps {
  spans: readonly SpanView[];
  selectedSpanId?: string | null;
  onSelect?: (spanId: string) => void;
}

export function ContextView({ spans, selectedSpanId, onSelect }: ContextViewProps) {
  const styles = useStyles2(getStyles);
  const agents = useMemo(() => contextGrowth(spans), [spans]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);

  if (agents.length === 0) {
    return (
      <EmptyState variant="not-found" message="No LLM calls in this trace, so there is no context to show." />
    );
  }
  const selectedAgent = selectedSpanId
    ? agents.find((a) => a.steps.some((s) => s.span.spanId === selectedSpanId))
    : undefined;
  const agent =
    agents.find((a) => a.agent === chosen) ??
    selectedAgent ??
    [...agents].sort((a, b) => b.steps.length - a.steps.length)[0]!;

  return (
    <div className={styles.container} data-testid="context-view">
      {agents.length > 1 && (
        <RadioButtonGroup
          size="sm"
          options={agents.map((a) => ({ label: `${a.agent} (${a.steps.length})`, value: a.agent }))}
          value={agent.agent}
          onChange={setChosen}
        />
      )}
      <Text color="secondary" variant="bodySmall" element="p">
        {agent.agent}: {agent.steps.length} LLM call{agent.steps.length === 1 ? '' : 's'}. Open a call to see
        the messages its input had that the previous call of the same invocation did not.
      </Text>
      <CallList key={agent.agent} steps={agent.steps} selectedSpanId={selectedSpanId} onSelect={onSelect} />
    </div>
  );
}

/** Before the list is laid out (or where nothing is, as in jsdom) its height reads 0: assume a window's height so
 * that a first screen of rows renders rather than none. */
function observeRectOrWindow(
  instance: Virtualizer<HTMLDivElement, Element>,
  cb: (rect: DOMRectSize) => void,
) {
  return observeElementRect(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width, height: window.innerHeight }),
  );
}
type DOMRectSize = { width: number; height: number };

interface CallListProps {
  steps: ContextStep[];
  selectedSpanId?: string | null;
  onSelect?: (spanId: string) => void;
}

function CallList({ steps, selectedSpanId, onSelect }: CallListProps) {
  const styles = useStyles2(getStyles);
  const scroller = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const maxTokens = useMemo(() => Math.max(1, ...steps.map((s) => s.inputTokens ?? 0)), [steps]);
  const virtualizer = useVirtualizer({
    count: steps.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 52,
    overscan: 8,
    getItemKey: (index) => steps[index]!.span.spanId,
    observeElementRect: observeRectOrWindow,
  });

  // A span selected elsewhere (graph, timeline) scrolls its call into view.
  const selectedIndex = steps.findIndex((s) => s.span.spanId === selectedSpanId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const toggle = (step: ContextStep) => {
    const id = step.span.spanId;
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
    if (!expanded.has(id)) onSelect?.(id);
  };

  return (
    <div ref={scroller} className={styles.scroller} data-testid="context-calls">
      <ol className={styles.list} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const step = steps[item.index]!;
          return (
            <li
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className={styles.item}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <ContextStepRow
                step={step}
                maxTokens={maxTokens}
                expanded={expanded.has(step.span.spanId)}
                selected={step.span.spanId === selectedSpanId}
                onToggle={() => toggle(step)}
              />
            </li>
          );
        })}
      </ol>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  scroller: css({
    // its own scroll, a screen high: the page stays short however many calls the agent made
    maxHeight: 'max(320px, calc(100vh - 240px))',
    overflowY: 'auto',
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    position: 'relative',
    width: '100%',
  }),
  item: css({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    paddingBottom: theme.spacing(1),
  }),
});
