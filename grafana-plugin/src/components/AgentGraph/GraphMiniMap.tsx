// The minimap, drawn while part of the graph is out of view (when everything is on screen it would only cover
// nodes). Its own component: it follows every pan and zoom, and the graph around it need not re-render for that.
import { MiniMap, useStore } from '@xyflow/react';
import type { BeaconNode } from './GraphNodeView';
import type { Rect } from './viewport';

/** React Flow's MiniMap is 200 × 150 px, 15 px from the corner: a fit that needs it keeps nodes left of it. */
export const MINIMAP_RESERVED_PX = 200 + 15 + 8;

export function GraphMiniMap({ bounds, className }: { bounds: Rect | null; className: string }) {
  const allInView = useStore((s) => {
    if (!bounds || s.width <= 0 || s.height <= 0) return false;
    const [x, y, zoom] = s.transform;
    const left = bounds.x * zoom + x;
    const top = bounds.y * zoom + y;
    return (
      left >= 0 && top >= 0 && left + bounds.width * zoom <= s.width && top + bounds.height * zoom <= s.height
    );
  });
  if (allInView) return null;
  return (
    <MiniMap<BeaconNode>
      pannable
      zoomable
      nodeColor={(n) => n.data.color}
      ariaLabel="Minimap of the agent graph"
      className={className}
    />
  );
}
