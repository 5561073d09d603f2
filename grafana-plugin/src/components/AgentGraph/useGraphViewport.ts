// Moves the React Flow view: on open (and when the panel is resized) to the whole graph if it reads at a readable
// zoom, else to its region of interest; to an expanded group; to a search match. The layout never changes with time
// travel, so neither does the view.
import { useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import type { GraphView } from './groups';
import { boundsOf, READABLE_ZOOM, viewportCentredOn, viewportFor } from './viewport';

type Target = { kind: 'default' } | { kind: 'region'; ids: readonly string[] } | { kind: 'node'; id: string };

type Positions = ReadonlyMap<string, { x: number; y: number }>;

/** The root(s), every agent and the selected node: who did what, before the details. */
export function regionOfInterest(view: GraphView, selectedViewId: string | null): string[] {
  const targets = new Set(view.edges.map((e) => e.target));
  const ids = view.nodes
    .filter(({ node }) => node.kind === 'agent' || !targets.has(node.id))
    .map(({ node }) => node.id);
  if (selectedViewId && !ids.includes(selectedViewId)) ids.push(selectedViewId);
  return ids;
}

export function useGraphViewport(
  view: GraphView,
  positions: Positions,
  selectedViewId: string | null,
  /** Screen pixels on the right to keep clear of nodes (the minimap's) when not all of the graph is in view. */
  reservedRight: number,
) {
  const { setViewport, getViewport } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const [target, setTarget] = useState<Target>({ kind: 'default' });
  // The selection at the time of a fit counts, but selecting does not move the view by itself.
  const selected = useRef(selectedViewId);
  selected.current = selectedViewId;

  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    const pane = { width, height, reservedRight };
    if (target.kind === 'node') {
      const rect = boundsOf([target.id], positions);
      if (rect) void setViewport(viewportCentredOn(rect, pane, getViewport().zoom));
      return;
    }
    const all = boundsOf(positions.keys(), positions);
    if (!all) return;
    // The whole graph, if it reads: no minimap then (GraphMiniMap hides), so no room kept for it.
    const whole = viewportFor(all, { width, height });
    if (target.kind === 'default' && whole.zoom > READABLE_ZOOM) {
      void setViewport(whole);
      return;
    }
    const ids = target.kind === 'region' ? target.ids : regionOfInterest(view, selected.current);
    const rect = boundsOf(ids, positions);
    if (rect) void setViewport(viewportFor(rect, pane));
  }, [target, positions, view, width, height, reservedRight, setViewport, getViewport]);

  return {
    fitDefault: () => setTarget({ kind: 'default' }),
    fitRegion: (ids: readonly string[]) => setTarget({ kind: 'region', ids }),
    focusNode: (id: string) => setTarget({ kind: 'node', id }),
  };
}
