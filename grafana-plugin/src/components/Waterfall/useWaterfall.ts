// The waterfall's state: what is collapsed (by default each agent invocation of a big trace), the zoomed time
// range, the search and its current match, and the row to scroll to; plus the derived tree, rows and path.
import type { SpanView } from '@beacon/collector/api-contract';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { buildTree, endMs, startMs } from '../../utils/spans';
import { summarizeCriticalPath, traceBounds } from '../../utils/timeline';
import { defaultCollapsed, indexTree, reveal, visibleRows } from './rows';
import { searchSpans, stepMatch } from './search';
import type { TimeRange } from './TimeRuler';
import type { FocusRequest } from './TreeRows';

/** The narrowest zoom: below a microsecond nothing more is to be seen. */
const MIN_ZOOM_MS = 0.001;

export function useWaterfall(
  spans: readonly SpanView[],
  selectedSpanId: string | null | undefined,
  highlightedSpanIds: ReadonlySet<string> | undefined,
) {
  const tree = useMemo(() => buildTree(spans), [spans]);
  const index = useMemo(() => indexTree(tree), [tree]);
  const bounds = useMemo(() => traceBounds(spans), [spans]);
  const critical = useMemo(() => summarizeCriticalPath(spans, tree), [spans, tree]);

  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => defaultCollapsed(index));
  const [range, setRange] = useState<TimeRange | null>(null);
  const [query, setQueryState] = useState('');
  /** The current match, -1 before the first step. */
  const [current, setCurrent] = useState(-1);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const seq = useRef(0);

  // Another trace: its own defaults.
  const [indexed, setIndexed] = useState(index);
  if (indexed !== index) {
    setIndexed(index);
    setCollapsed(defaultCollapsed(index));
    setRange(null);
    setCurrent(-1);
  }

  const rows = useMemo(() => visibleRows(index, collapsed), [index, collapsed]);
  const matches = useMemo(() => searchSpans(index.order, query), [index, query]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const matchPositions = useMemo(() => matches.map((id) => index.position.get(id) ?? 0), [matches, index]);

  /** Opens what hides the span, zooms out if it is outside the zoomed range, and scrolls its row into view. */
  const reach = useCallback(
    (spanIds: readonly string[], align: FocusRequest['align']) => {
      const first = spanIds[0];
      if (!first) return;
      setCollapsed((c) => reveal(tree, c, spanIds));
      const span = tree.byId.get(first);
      setRange((r) => (r && span && (endMs(span) < r.start || startMs(span) > r.end) ? null : r));
      seq.current += 1;
      setFocus({ spanId: first, seq: seq.current, align });
    },
    [tree],
  );

  useEffect(() => {
    if (selectedSpanId && tree.byId.has(selectedSpanId)) reach([selectedSpanId], 'auto');
  }, [selectedSpanId, tree, reach]);
  useEffect(() => {
    if (highlightedSpanIds?.size)
      reach(
        [...highlightedSpanIds].filter((id) => tree.byId.has(id)),
        'center',
      );
  }, [highlightedSpanIds, tree, reach]);

  const step = (direction: 1 | -1) => {
    if (matches.length === 0) return;
    const next =
      current < 0
        ? direction === 1
          ? 0
          : matches.length - 1
        : stepMatch(current, matches.length, direction);
    setCurrent(next);
    reach([matches[next]!], 'center');
  };
  const setQuery = (q: string) => {
    setQueryState(q);
    setCurrent(-1);
  };
  const zoom = (r: TimeRange) => {
    const start = Math.max(bounds.start, Math.min(r.start, r.end));
    const end = Math.min(bounds.end, Math.max(r.start, r.end));
    if (end - start < MIN_ZOOM_MS) return;
    setRange({ start, end });
    // Show rows that have something in the range: the first one below the roots still running at its start.
    const first = rows.find((r) => r.depth > 0 && endMs(r.span) >= start && startMs(r.span) <= end);
    if (first) {
      seq.current += 1;
      setFocus({ spanId: first.span.spanId, seq: seq.current, align: 'start' });
    }
  };

  return {
    tree,
    index,
    bounds,
    critical,
    collapsed,
    setCollapsed,
    rows,
    view: range ?? bounds,
    zoomed: range !== null,
    zoom,
    resetZoom: () => setRange(null),
    search: { query, setQuery, matches, matchSet, matchPositions, current, step },
    currentMatchId: current >= 0 ? matches[current] : undefined,
    focus,
    reach,
  };
}
