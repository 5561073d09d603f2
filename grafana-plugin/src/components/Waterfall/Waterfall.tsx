// Waterfall / timeline: spans as bars on a shared, zoomable time axis. 'tree' is one row per span, collapsible (a
// big trace opens with each agent invocation one row), virtualized in a box of bounded height; 'compact' stacks
// parallel spans and lets sequential ones share a row. Search within the trace, a minimap with errors and findings,
// the critical path (on a sequential run: its heaviest links), the slowest spans.
import type { SpanView } from '@beacon/collector/api-contract';
import { useStyles2 } from '@grafana/ui';
import { useMemo, useState } from 'react';
import { layoutRows, slowestSpans, type WaterfallLayout } from '../../utils/timeline';
import { CompactRows } from './CompactRows';
import { CriticalPathNote, SpanLists } from './CriticalPath';
import { Minimap } from './Minimap';
import { matchesInside, toggleSpan } from './rows';
import { getStyles } from './styles';
import { TraceSearch } from './TraceSearch';
import { type RowMarks, TreeRows } from './TreeRows';
import { useWaterfall } from './useWaterfall';
import { CollapseControls, LayoutControls, ZoomLine } from './WaterfallToolbar';

export interface WaterfallProps {
  spans: readonly SpanView[];
  selectedSpanId?: string | null;
  onSelect?: (spanId: string) => void;
  initialLayout?: WaterfallLayout;
  /** Spans an analysis finding points at: outlined and marked. */
  highlightedSpanIds?: ReadonlySet<string>;
}

export function Waterfall({
  spans,
  selectedSpanId,
  onSelect,
  initialLayout = 'tree',
  highlightedSpanIds,
}: WaterfallProps) {
  const styles = useStyles2(getStyles);
  const [mode, setMode] = useState<WaterfallLayout>(initialLayout);
  const [highlight, setHighlight] = useState(true);
  const w = useWaterfall(spans, selectedSpanId, highlightedSpanIds);
  const { tree, index, search } = w;
  const compact = useMemo(
    () => (mode === 'compact' ? layoutRows(spans, 'compact', tree) : null),
    [spans, mode, tree],
  );
  const slowest = useMemo(() => slowestSpans(spans, 5, tree), [spans, tree]);

  const marks: RowMarks = {
    critical: w.critical.marked,
    dimOffPath: highlight,
    findings: highlightedSpanIds,
    selectedSpanId,
    matches: search.matchSet,
    currentMatchId: w.currentMatchId,
    hiddenMatches: (spanId) => matchesInside(index, search.matchPositions, spanId),
  };

  return (
    <div className={styles.container} data-testid="waterfall">
      <div className={styles.toolbar}>
        <LayoutControls mode={mode} onMode={setMode} highlight={highlight} onHighlight={setHighlight} />
        <TraceSearch
          query={search.query}
          onQuery={search.setQuery}
          count={search.matches.length}
          current={search.current}
          onStep={search.step}
        />
      </div>
      {mode === 'tree' && (
        <CollapseControls index={index} collapsed={w.collapsed} onCollapsed={w.setCollapsed} />
      )}
      <CriticalPathNote summary={w.critical} spanCount={spans.length} />
      <ZoomLine bounds={w.bounds} view={w.view} zoomed={w.zoomed} onReset={w.resetZoom} />
      <Minimap
        spans={spans}
        tree={tree}
        bounds={w.bounds}
        view={w.view}
        zoomed={w.zoomed}
        findingIds={highlightedSpanIds}
        matchIds={search.matches}
        onZoom={w.zoom}
        onJump={(id) => {
          w.reach([id], 'center');
          onSelect?.(id);
        }}
      />
      {compact ? (
        <CompactRows
          layout={compact}
          traceStart={w.bounds.start}
          view={w.view}
          marks={marks}
          onZoom={w.zoom}
          onSelect={onSelect}
        />
      ) : (
        <TreeRows
          rows={w.rows}
          totalSpans={spans.length}
          traceStart={w.bounds.start}
          view={w.view}
          marks={marks}
          focus={w.focus}
          onZoom={w.zoom}
          onToggle={(id) => w.setCollapsed(toggleSpan(w.collapsed, id))}
          onSelect={onSelect}
        />
      )}
      <SpanLists slowest={slowest} summary={w.critical} onSelect={onSelect} />
    </div>
  );
}
