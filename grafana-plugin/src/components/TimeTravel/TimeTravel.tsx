// Time travel: a slider over the trace's spans in start order. Arrow keys step one span; the agent graph shows
// only what had happened up to that step.
import type { GraphNode, SpanView, TraceGraphResponse } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { IconButton, Text, useStyles2 } from '@grafana/ui';
import { type KeyboardEvent, useEffect, useMemo, useState } from 'react';
import { formatDuration } from '../../utils/format';
import { graphUpTo } from '../../utils/graph';
import { sortByStart, startMs } from '../../utils/spans';
import { AgentGraph } from '../AgentGraph/AgentGraph';

export interface TimeTravelProps {
  spans: readonly SpanView[];
  graph: TraceGraphResponse;
  selectedSpanId?: string | null;
  /** A node was clicked (its first span meant), or one of an aggregated node's spans picked from its list. */
  onSelect?: (node: GraphNode, spanId?: string) => void;
  /** The slider moved to this span. */
  onStep?: (span: SpanView) => void;
  /** Spans an analysis finding points at. */
  highlightedSpanIds?: ReadonlySet<string>;
  height?: number;
}

export function TimeTravel({
  spans,
  graph,
  selectedSpanId,
  onSelect,
  onStep,
  highlightedSpanIds,
  height,
}: TimeTravelProps) {
  const styles = useStyles2(getStyles);
  const ordered = useMemo(() => sortByStart(spans), [spans]);
  const last = Math.max(ordered.length - 1, 0);
  const [step, setStep] = useState(last);

  // A new trace starts at the end (everything shown).
  useEffect(() => setStep(last), [last]);

  const current = ordered[Math.min(step, last)];
  const traceStart = ordered.length > 0 ? startMs(ordered[0]!) : 0;
  const traceId = ordered[0]?.traceId ?? '';

  const visible = useMemo(() => {
    const ids = new Set(ordered.slice(0, step + 1).map((s) => s.spanId));
    const cutoff = current ? startMs(current) : Number.POSITIVE_INFINITY;
    return new Set(graphUpTo(graph, traceId, ids, cutoff).nodes.map((n) => n.id));
  }, [ordered, step, current, graph, traceId]);

  const goTo = (next: number) => {
    const clamped = Math.max(0, Math.min(last, next));
    if (clamped === step) return;
    setStep(clamped);
    const span = ordered[clamped];
    if (span) onStep?.(span);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: step + 1,
      ArrowUp: step + 1,
      ArrowLeft: step - 1,
      ArrowDown: step - 1,
      Home: 0,
      End: last,
      PageUp: step + 10,
      PageDown: step - 10,
    };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault(); // the range input would move by itself as well
    goTo(target);
  };

  return (
    <div className={styles.container} data-testid="time-travel">
      <div className={styles.controls}>
        <IconButton name="angle-double-left" tooltip="Back to the first span" onClick={() => goTo(0)} />
        <IconButton name="angle-left" tooltip="Previous span (←)" onClick={() => goTo(step - 1)} />
        <input
          type="range"
          className={styles.slider}
          min={0}
          max={last}
          step={1}
          value={step}
          aria-label="Time travel: step through spans in start order"
          aria-valuetext={current ? `Step ${step + 1} of ${ordered.length}: ${current.name}` : 'No spans'}
          onChange={(e) => goTo(Number(e.currentTarget.value))}
          onKeyDown={onKeyDown}
        />
        <IconButton name="angle-right" tooltip="Next span (→)" onClick={() => goTo(step + 1)} />
        <IconButton name="angle-double-right" tooltip="To the end" onClick={() => goTo(last)} />
      </div>
      <Text color="secondary" variant="bodySmall" element="p">
        <span data-testid="time-travel-position">
          Step {Math.min(step + 1, ordered.length)} / {ordered.length}
        </span>
        {current ? ` · ${current.name} at +${formatDuration(startMs(current) - traceStart)}` : ''}
        {step < last ? ' · showing what had happened by then' : ''}
      </Text>
      <AgentGraph
        nodes={graph.nodes}
        edges={graph.edges}
        visibleNodeIds={visible}
        selectedSpanId={selectedSpanId}
        currentSpanId={step < last ? current?.spanId : null}
        highlightedSpanIds={highlightedSpanIds}
        onSelect={onSelect}
        spans={spans}
        height={height}
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  controls: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
  slider: css({
    flex: 1,
    accentColor: theme.colors.primary.main,
  }),
});
