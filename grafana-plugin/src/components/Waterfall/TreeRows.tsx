// The tree layout: one row per visible span (label with its collapse toggle, bar and duration), virtualized inside
// a scroll box of bounded height, under a sticky time ruler.
import { cx } from '@emotion/css';
import { Icon, useStyles2 } from '@grafana/ui';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { isError } from '../../utils/spans';
import type { VisibleRow } from './rows';
import { DurationLabel, SpanBar } from './SpanBar';
import { getStyles, ROW_HEIGHT, RULER_HEIGHT } from './styles';
import { GridLines, type TimeRange, TimeRuler } from './TimeRuler';

/** What the rows mark: the critical path, a finding's spans, the selection and the search's matches. */
export interface RowMarks {
  critical: ReadonlySet<string>;
  dimOffPath: boolean;
  findings?: ReadonlySet<string>;
  selectedSpanId?: string | null;
  matches: ReadonlySet<string>;
  currentMatchId?: string;
  /** Matches inside a collapsed span's subtree. */
  hiddenMatches: (spanId: string) => number;
}

/** Scroll this span's row into view; `seq` tells a new request for the same span from the last one. */
export interface FocusRequest {
  spanId: string;
  seq: number;
  /** 'center' for a jump (search, minimap), 'auto' (only if off screen) for a selection, 'start' for a zoom. */
  align: 'auto' | 'center' | 'start';
}

interface TreeRowsProps {
  rows: VisibleRow[];
  totalSpans: number;
  traceStart: number;
  view: TimeRange;
  marks: RowMarks;
  focus: FocusRequest | null;
  onZoom: (range: TimeRange) => void;
  onToggle: (spanId: string) => void;
  onSelect?: (spanId: string) => void;
}

/** Before the box is laid out (or where nothing is, as in jsdom) its height reads 0: assume a window's height so
 * that a first screen of rows renders rather than none. */
function observeRectOrWindow(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: RectSize) => void) {
  return observeElementRect(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width, height: window.innerHeight }),
  );
}
type RectSize = { width: number; height: number };

export function TreeRows({
  rows,
  totalSpans,
  traceStart,
  view,
  marks,
  focus,
  onZoom,
  onToggle,
  onSelect,
}: TreeRowsProps) {
  const styles = useStyles2(getStyles);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: RULER_HEIGHT,
    // the sticky ruler covers the box's top: a row scrolled to the start goes below it
    scrollPaddingStart: RULER_HEIGHT,
    getItemKey: (index) => rows[index]!.span.spanId,
    observeElementRect: observeRectOrWindow,
  });

  // A jump (search, a minimap tick, a selection elsewhere) scrolls its row into view once the row is there.
  const handled = useRef<number | null>(null);
  useEffect(() => {
    if (!focus || handled.current === focus.seq) return;
    const index = rows.findIndex((r) => r.span.spanId === focus.spanId);
    if (index < 0) return;
    handled.current = focus.seq;
    virtualizer.scrollToIndex(index, { align: focus.align });
    if (focus.align === 'start') return;
    // The box may reach below the window: once the row is drawn, bring it into the page's view too.
    // Matched by attribute value rather than a selector: no escaping needed (jsdom has no CSS.escape), and only the
    // rendered rows (a screenful) are looked at.
    const frame = requestAnimationFrame(() =>
      [...(scroller.current?.querySelectorAll('[data-span-id]') ?? [])]
        .find((row) => row.getAttribute('data-span-id') === focus.spanId)
        ?.scrollIntoView?.({ block: 'nearest' }),
    );
    return () => cancelAnimationFrame(frame);
  }, [focus, rows, virtualizer]);

  return (
    <div
      ref={scroller}
      className={styles.scroller}
      data-testid="waterfall-scroller"
      data-row-count={rows.length}
    >
      <div className={cx(styles.columns, styles.stickyHeader)}>
        <div className={styles.headerLabel} data-testid="waterfall-row-summary">
          {rows.length === totalSpans ? `${totalSpans} spans` : `${rows.length} rows of ${totalSpans} spans`}
        </div>
        <TimeRuler traceStart={traceStart} view={view} onZoom={onZoom} />
      </div>
      <div className={styles.rowsBody} style={{ height: virtualizer.getTotalSize() }}>
        <div className={styles.columns} style={{ position: 'absolute', inset: 0 }} aria-hidden>
          <span />
          <div style={{ position: 'relative' }}>
            <GridLines traceStart={traceStart} view={view} />
          </div>
        </div>
        {virtualizer.getVirtualItems().map((item) => (
          <TreeRow
            key={item.key}
            row={rows[item.index]!}
            index={item.index}
            offset={item.start - RULER_HEIGHT}
            view={view}
            marks={marks}
            onToggle={onToggle}
            onSelect={onSelect}
          />
        ))}
      </div>
    </div>
  );
}

interface TreeRowProps {
  row: VisibleRow;
  index: number;
  offset: number;
  view: TimeRange;
  marks: RowMarks;
  onToggle: (spanId: string) => void;
  onSelect?: (spanId: string) => void;
}

function TreeRow({ row, index, offset, view, marks, onToggle, onSelect }: TreeRowProps) {
  const styles = useStyles2(getStyles);
  const { span } = row;
  const finding = !!marks.findings?.has(span.spanId);
  const match = marks.matches.has(span.spanId);
  const current = marks.currentMatchId === span.spanId;
  const selected = marks.selectedSpanId === span.spanId;
  const hiddenMatches = row.hidden > 0 ? marks.hiddenMatches(span.spanId) : 0;
  return (
    <div
      className={cx(
        styles.row,
        styles.columns,
        match && styles.rowMatch,
        current && styles.rowCurrentMatch,
        selected && styles.rowSelected,
      )}
      style={{ transform: `translateY(${offset}px)` }}
      data-testid="waterfall-row"
      data-span-id={span.spanId}
      data-highlighted={finding ? 'true' : 'false'}
      data-match={match ? 'true' : 'false'}
      data-current-match={current ? 'true' : 'false'}
      data-collapsed={row.hidden > 0 ? 'true' : 'false'}
    >
      <div
        className={cx(styles.label, finding && styles.labelFinding)}
        style={{ paddingLeft: row.depth * 14 + 2 }}
      >
        {row.hasChildren ? (
          <button
            type="button"
            className={styles.toggle}
            aria-expanded={row.hidden === 0}
            aria-label={`${row.hidden > 0 ? 'Expand' : 'Collapse'} ${span.name}`}
            data-testid="row-toggle"
            onClick={() => onToggle(span.spanId)}
          >
            <Icon name={row.hidden > 0 ? 'angle-right' : 'angle-down'} size="sm" />
          </button>
        ) : (
          <span className={styles.toggleSpacer} />
        )}
        {finding && (
          <span
            className={styles.findingMarker}
            role="img"
            aria-label="finding"
            data-testid="finding-marker"
            title="An analysis finding points here"
          />
        )}
        {isError(span) && <span className={styles.errorDot} role="img" aria-label="error" />}
        <button
          type="button"
          className={styles.labelText}
          onClick={() => onSelect?.(span.spanId)}
          title={`${span.serviceName}: ${span.name}`}
        >
          {span.name}
        </button>
        {row.hidden > 0 && (
          <span
            className={styles.childCount}
            data-testid="hidden-count"
            title={`${row.hidden} spans inside, collapsed`}
          >
            +{row.hidden}
          </span>
        )}
        {hiddenMatches > 0 && (
          <span className={cx(styles.childCount, styles.rowMatch)} data-testid="hidden-matches">
            {hiddenMatches} match{hiddenMatches === 1 ? '' : 'es'} inside
          </span>
        )}
      </div>
      <div className={styles.track}>
        {/* Anywhere on the track selects the row's span: on a long run most bars are a pixel wide. Under the bar;
            the name button is the way in for the keyboard and screen readers, so this one is hidden from both. */}
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          className={styles.trackHit}
          data-testid="row-track"
          onClick={() => onSelect?.(span.spanId)}
        />
        <SpanBar
          span={span}
          view={view}
          row={index}
          marks={{
            critical: marks.critical.has(span.spanId),
            dimOffPath: marks.dimOffPath,
            finding,
            selected,
          }}
          onSelect={onSelect}
        />
        <DurationLabel span={span} view={view} />
      </div>
    </div>
  );
}
