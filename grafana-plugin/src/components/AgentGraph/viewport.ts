// Where the graph's view opens: on a region of interest (the root and the agents, an expanded group, a search
// match) at a zoom where names stay readable, rather than the whole graph shrunk to a strip.
import type { Viewport } from '@xyflow/react';
import { LABEL_FONT_SIZE, NODE_HEIGHT, NODE_WIDTH } from './layout';

/** The view never opens below this zoom: a name (LABEL_FONT_SIZE px) reads at 11.9 px or more. */
export const READABLE_ZOOM = 0.85;
/** …nor above this one (a two-node graph would otherwise fill the panel with two giant boxes). */
export const MAX_FIT_ZOOM = 1.2;
/** Screen pixels kept free around the region. */
const PADDING = 24;

if (LABEL_FONT_SIZE * READABLE_ZOOM < 11)
  throw new Error('READABLE_ZOOM makes node names smaller than 11 px');

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Pane {
  width: number;
  height: number;
  /** Screen pixels on the right that the view keeps clear (the minimap sits there). */
  reservedRight?: number;
}

/** The box around these nodes (top-left positions), or null when none is laid out. */
export function boundsOf(
  ids: Iterable<string>,
  positions: ReadonlyMap<string, { x: number; y: number }>,
): Rect | null {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const id of ids) {
    const p = positions.get(id);
    if (!p) continue;
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + NODE_WIDTH);
    maxY = Math.max(maxY, p.y + NODE_HEIGHT);
  }
  return minX === Number.POSITIVE_INFINITY
    ? null
    : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The region centred when it fits at a readable zoom; when it does not, readable zoom anchored at its top-left
 * (in a left-to-right layout: the root and the first agents), on each axis where it overflows.
 */
export function viewportFor(region: Rect, fullPane: Pane): Viewport {
  const pane = {
    width: Math.max(fullPane.width - (fullPane.reservedRight ?? 0), 1),
    height: fullPane.height,
  };
  const room = {
    width: Math.max(pane.width - 2 * PADDING, 1),
    height: Math.max(pane.height - 2 * PADDING, 1),
  };
  const fit = Math.min(room.width / region.width, room.height / region.height);
  const zoom = Math.min(Math.max(fit, READABLE_ZOOM), MAX_FIT_ZOOM);
  const axis = (start: number, size: number, paneSize: number, roomSize: number) =>
    size * zoom <= roomSize ? (paneSize - size * zoom) / 2 - start * zoom : PADDING - start * zoom;
  return {
    zoom,
    x: axis(region.x, region.width, pane.width, room.width),
    y: axis(region.y, region.height, pane.height, room.height),
  };
}

/** A node in the middle of the pane, at the current zoom or a readable one. */
export function viewportCentredOn(rect: Rect, fullPane: Pane, currentZoom: number): Viewport {
  const pane = {
    width: Math.max(fullPane.width - (fullPane.reservedRight ?? 0), 1),
    height: fullPane.height,
  };
  const zoom = Math.min(Math.max(currentZoom, READABLE_ZOOM), MAX_FIT_ZOOM);
  return {
    zoom,
    x: pane.width / 2 - (rect.x + rect.width / 2) * zoom,
    y: pane.height / 2 - (rect.y + rect.height / 2) * zoom,
  };
}
