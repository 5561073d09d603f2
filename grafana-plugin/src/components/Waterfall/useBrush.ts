// Drag across a strip (the ruler, the minimap) to pick a range of it. Hand-rolled on pointer events: no library
// here draws a time brush over our own rows (uPlot's select works on its own canvas only), and it is a dozen lines.
import { type PointerEvent, useRef, useState } from 'react';

/** Below this many pixels a drag is a click, not a range. */
const MIN_DRAG_PX = 4;

export interface Brush {
  /** The range being dragged, as fractions of the strip's width (from ≤ to), or null. */
  selection: { from: number; to: number } | null;
  handlers: {
    onPointerDown: (e: PointerEvent<HTMLElement>) => void;
    onPointerMove: (e: PointerEvent<HTMLElement>) => void;
    onPointerUp: (e: PointerEvent<HTMLElement>) => void;
    onPointerCancel: () => void;
  };
}

const fractionAt = (e: PointerEvent<HTMLElement>) => {
  const rect = e.currentTarget.getBoundingClientRect();
  return rect.width > 0 ? Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width)) : 0;
};

/** `onRange(from, to)` with fractions of the strip's width, once a drag of a few pixels ends. */
export function useBrush(onRange: (from: number, to: number) => void): Brush {
  const start = useRef<number | null>(null);
  const [selection, setSelection] = useState<Brush['selection']>(null);
  const order = (a: number, b: number) => ({ from: Math.min(a, b), to: Math.max(a, b) });
  return {
    selection,
    handlers: {
      onPointerDown: (e) => {
        if (e.button !== 0) return;
        start.current = fractionAt(e);
        e.currentTarget.setPointerCapture?.(e.pointerId);
        setSelection(null);
      },
      onPointerMove: (e) => {
        if (start.current === null) return;
        setSelection(order(start.current, fractionAt(e)));
      },
      onPointerUp: (e) => {
        if (start.current === null) return;
        const range = order(start.current, fractionAt(e));
        const width = e.currentTarget.getBoundingClientRect().width;
        start.current = null;
        setSelection(null);
        if ((range.to - range.from) * width >= MIN_DRAG_PX) onRange(range.from, range.to);
      },
      onPointerCancel: () => {
        start.current = null;
        setSelection(null);
      },
    },
  };
}
