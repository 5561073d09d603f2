// The compact layout: sequential spans share a row and parallel ones stack, each row labelled with what it holds,
// bars labelled with name and duration where they are wide enough (zoom in for the rest).
import type { SpanView } from '@beacon/collector/api-contract';
import { cx } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';
import { spanNodeKind } from '../../utils/spans';
import type { RowLayout } from '../../utils/timeline';
import { KIND_LABELS } from '../common/kinds';
import { placeOnView, SpanBar } from './SpanBar';
import { getStyles, ROW_HEIGHT } from './styles';
import { type TimeRange, TimeRuler } from './TimeRuler';
import type { RowMarks } from './TreeRows';

/** Bars drawn at most: past it the narrowest are left out (they are under a pixel wide at this zoom). */
export const MAX_COMPACT_BARS = 2000;

interface CompactRowsProps {
  layout: RowLayout;
  traceStart: number;
  view: TimeRange;
  marks: RowMarks;
  onZoom: (range: TimeRange) => void;
  onSelect?: (spanId: string) => void;
}

/** "LLM 250 · Tool 240": what each compact row holds, by kind. */
function rowLabels(layout: RowLayout): { key: string; text: string }[] {
  const counts: Map<string, number>[] = Array.from({ length: layout.rowCount }, () => new Map());
  for (const span of layout.order) {
    const row = counts[layout.rowOf.get(span.spanId) ?? 0]!;
    const kind = KIND_LABELS[spanNodeKind(span)];
    row.set(kind, (row.get(kind) ?? 0) + 1);
  }
  return counts.map((row, i) => ({
    key: `row-${i}`,
    text: [...row].map(([kind, n]) => `${kind} ${n}`).join(' · '),
  }));
}

export function CompactRows({ layout, traceStart, view, marks, onZoom, onSelect }: CompactRowsProps) {
  const styles = useStyles2(getStyles);
  const labels = useMemo(() => rowLabels(layout), [layout]);
  const { drawn, left } = useMemo(() => {
    const inView = layout.order.filter((s) => {
      const { left: l, right: r } = placeOnView(s, view);
      return r >= 0 && l <= 1;
    });
    if (inView.length <= MAX_COMPACT_BARS) return { drawn: inView, left: 0 };
    const widest = [...inView].sort((a, b) => b.durationMs - a.durationMs).slice(0, MAX_COMPACT_BARS);
    return { drawn: widest, left: inView.length - widest.length };
  }, [layout, view]);
  const wide = (span: SpanView) => {
    const { left: l, right: r } = placeOnView(span, view);
    return Math.min(r, 1) - Math.max(l, 0) > 0.06;
  };
  return (
    <div className={styles.scroller} data-testid="waterfall-compact">
      <div className={cx(styles.columns, styles.stickyHeader)}>
        <div className={styles.headerLabel}>
          {left > 0 ? `${left} short spans not drawn: zoom in` : `${layout.rowCount} rows`}
        </div>
        <TimeRuler traceStart={traceStart} view={view} onZoom={onZoom} />
      </div>
      <div className={styles.columns}>
        <div>
          {labels.map((label) => (
            <div
              key={label.key}
              className={cx(styles.headerLabel, styles.ellipsis)}
              style={{ height: ROW_HEIGHT }}
              title={label.text}
            >
              {label.text}
            </div>
          ))}
        </div>
        <div className={styles.track} style={{ height: layout.rowCount * ROW_HEIGHT + 4 }}>
          {drawn.map((span) => {
            const row = layout.rowOf.get(span.spanId) ?? 0;
            return (
              <SpanBar
                key={span.spanId}
                span={span}
                view={view}
                row={row}
                top={row * ROW_HEIGHT + 3}
                withName={wide(span)}
                marks={{
                  critical: marks.critical.has(span.spanId),
                  dimOffPath: marks.dimOffPath,
                  finding: !!marks.findings?.has(span.spanId),
                  selected: marks.selectedSpanId === span.spanId,
                }}
                onSelect={onSelect}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
