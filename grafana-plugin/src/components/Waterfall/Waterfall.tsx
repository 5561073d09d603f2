// Waterfall / timeline: spans as bars on a shared time axis, the critical path highlighted, the slowest spans
// listed. Two layouts: 'tree' (one row per span, depth-first) and 'compact' (parallel spans stack, sequential
// ones share a row).
import type { SpanView } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { InlineSwitch, RadioButtonGroup, Stack, Text, useStyles2, useTheme2 } from '@grafana/ui';
import { useMemo, useState } from 'react';
import { formatDuration } from '../../utils/format';
import { buildTree, endMs, isError, spanNodeKind, startMs } from '../../utils/spans';
import {
  criticalPath,
  layoutRows,
  slowestSpans,
  traceBounds,
  type WaterfallLayout,
} from '../../utils/timeline';
import { findingColor, kindColor } from '../common/kinds';

export interface WaterfallProps {
  spans: readonly SpanView[];
  selectedSpanId?: string | null;
  onSelect?: (spanId: string) => void;
  initialLayout?: WaterfallLayout;
  /** Spans an analysis finding points at: outlined and marked. */
  highlightedSpanIds?: ReadonlySet<string>;
}

const LAYOUT_OPTIONS: { label: string; value: WaterfallLayout; description: string }[] = [
  { label: 'Tree', value: 'tree', description: 'One row per span, children under their parent' },
  { label: 'Compact', value: 'compact', description: 'Sequential spans share a row; parallel spans stack' },
];

const ROW_HEIGHT = 24;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function Waterfall({
  spans,
  selectedSpanId,
  onSelect,
  initialLayout = 'tree',
  highlightedSpanIds,
}: WaterfallProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [mode, setMode] = useState<WaterfallLayout>(initialLayout);
  const [highlight, setHighlight] = useState(true);

  const tree = useMemo(() => buildTree(spans), [spans]);
  const critical = useMemo(() => new Set(criticalPath(spans, tree)), [spans, tree]);
  const rows = useMemo(() => layoutRows(spans, mode, tree), [spans, mode, tree]);
  const slowest = useMemo(() => slowestSpans(spans, 5, tree), [spans, tree]);
  const bounds = useMemo(() => traceBounds(spans), [spans]);
  const total = Math.max(bounds.end - bounds.start, 1e-6);
  const criticalMs = useMemo(
    () =>
      spans
        .filter((s) => critical.has(s.spanId) && tree.roots.includes(s))
        .reduce((a, s) => a + s.durationMs, 0),
    [spans, critical, tree],
  );

  const pct = (ms: number) => `${(Math.max(0, Math.min(1, ms / total)) * 100).toFixed(4)}%`;

  const bar = (span: SpanView, withLabel: boolean) => {
    const onPath = critical.has(span.spanId);
    const found = !!highlightedSpanIds?.has(span.spanId);
    const offset = startMs(span) - bounds.start;
    const width = Math.max(endMs(span) - startMs(span), 0);
    return (
      <button
        type="button"
        key={span.spanId}
        data-testid={`span-bar-${span.spanId}`}
        data-row={rows.rowOf.get(span.spanId)}
        data-critical={onPath ? 'true' : 'false'}
        data-highlighted={found ? 'true' : 'false'}
        aria-pressed={selectedSpanId === span.spanId}
        aria-label={`${span.name}, ${formatDuration(span.durationMs)}${onPath ? ', on the critical path' : ''}${found ? ', highlighted by a finding' : ''}`}
        title={`${span.name} — ${formatDuration(span.durationMs)}${onPath ? ' (critical path)' : ''}`}
        className={cx(
          styles.bar,
          highlight && onPath && styles.critical,
          highlight && !onPath && styles.dimmed,
          isError(span) && styles.error,
          found && styles.finding,
          selectedSpanId === span.spanId && styles.selected,
        )}
        style={{
          left: pct(offset),
          width: `max(2px, ${pct(width)})`,
          background: kindColor(theme, spanNodeKind(span)),
          top: mode === 'compact' ? (rows.rowOf.get(span.spanId) ?? 0) * ROW_HEIGHT + 2 : 2,
        }}
        onClick={() => onSelect?.(span.spanId)}
      >
        {withLabel && <span className={styles.barLabel}>{span.name}</span>}
      </button>
    );
  };

  return (
    <div className={styles.container} data-testid="waterfall">
      <div className={styles.toolbar}>
        <RadioButtonGroup size="sm" options={LAYOUT_OPTIONS} value={mode} onChange={setMode} />
        <InlineSwitch
          label="Highlight critical path"
          showLabel
          value={highlight}
          onChange={(e) => setHighlight(e.currentTarget.checked)}
        />
        <Text color="secondary" variant="bodySmall">
          Critical path: {critical.size} spans, {formatDuration(criticalMs)}
        </Text>
      </div>

      <div className={cx(styles.grid, mode === 'tree' ? styles.withLabels : styles.noLabels)}>
        {mode === 'tree' && <div className={styles.axisSpacer} />}
        <div className={styles.axis}>
          {TICKS.map((t) => (
            <span key={t} className={styles.tick} style={{ left: `${t * 100}%` }}>
              {formatDuration(total * t)}
            </span>
          ))}
        </div>

        {mode === 'tree' ? (
          rows.order.map((span) => (
            <div
              key={span.spanId}
              className={styles.rowContents}
              data-testid="waterfall-row"
              data-span-id={span.spanId}
              data-highlighted={highlightedSpanIds?.has(span.spanId) ? 'true' : 'false'}
            >
              <button
                type="button"
                className={cx(
                  styles.label,
                  highlightedSpanIds?.has(span.spanId) && styles.labelFinding,
                  selectedSpanId === span.spanId && styles.labelSelected,
                )}
                style={{ paddingLeft: (tree.depth.get(span.spanId) ?? 0) * 12 + 4 }}
                onClick={() => onSelect?.(span.spanId)}
                title={`${span.serviceName}: ${span.name}`}
              >
                {highlightedSpanIds?.has(span.spanId) && (
                  <span
                    className={styles.findingMarker}
                    role="img"
                    aria-label="finding"
                    data-testid="finding-marker"
                    title="An analysis finding points here"
                  />
                )}
                {isError(span) && <span className={styles.errorDot} role="img" aria-label="error" />}
                {span.name}
              </button>
              <div className={styles.track}>{bar(span, false)}</div>
            </div>
          ))
        ) : (
          <div className={styles.track} style={{ height: rows.rowCount * ROW_HEIGHT + 4 }}>
            {rows.order.map((span) => bar(span, true))}
          </div>
        )}
      </div>

      <div className={styles.slowest}>
        <Text element="h4" variant="h6">
          Slowest spans
        </Text>
        <Stack direction="column" gap={0}>
          {slowest.map(({ span, selfMs }) => (
            <button
              type="button"
              key={span.spanId}
              className={styles.slowRow}
              data-testid={`slow-span-${span.spanId}`}
              onClick={() => onSelect?.(span.spanId)}
            >
              <span className={styles.slowName}>{span.name}</span>
              <span>{formatDuration(span.durationMs)}</span>
              <span className={styles.muted}>self {formatDuration(selfMs)}</span>
              <span className={styles.muted}>{critical.has(span.spanId) ? 'critical path' : ''}</span>
            </button>
          ))}
        </Stack>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  }),
  grid: css({
    display: 'grid',
    rowGap: 0,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  withLabels: css({
    gridTemplateColumns: 'minmax(160px, 30%) 1fr',
  }),
  noLabels: css({
    gridTemplateColumns: '1fr',
  }),
  rowContents: css({
    display: 'contents',
  }),
  axisSpacer: css({}),
  axis: css({
    position: 'relative',
    height: 20,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    color: theme.colors.text.secondary,
  }),
  tick: css({
    position: 'absolute',
    transform: 'translateX(-50%)',
    whiteSpace: 'nowrap',
    '&:first-child': { transform: 'none' },
    '&:last-child': { transform: 'translateX(-100%)' },
  }),
  label: css({
    all: 'unset',
    cursor: 'pointer',
    height: ROW_HEIGHT,
    lineHeight: `${ROW_HEIGHT}px`,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    '&:hover': { background: theme.colors.action.hover },
  }),
  labelSelected: css({
    background: theme.colors.action.selected,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  track: css({
    position: 'relative',
    minHeight: ROW_HEIGHT,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  bar: css({
    position: 'absolute',
    height: ROW_HEIGHT - 4,
    border: 'none',
    padding: 0,
    borderRadius: 2,
    cursor: 'pointer',
    overflow: 'hidden',
    textAlign: 'left',
    color: theme.colors.getContrastText(theme.colors.primary.main),
  }),
  barLabel: css({
    padding: theme.spacing(0, 0.5),
    whiteSpace: 'nowrap',
    fontSize: 11,
  }),
  critical: css({
    boxShadow: `0 0 0 2px ${theme.colors.warning.main}`,
    zIndex: 1,
  }),
  dimmed: css({
    opacity: 0.55,
  }),
  error: css({
    backgroundImage: `repeating-linear-gradient(45deg, transparent 0 4px, ${theme.colors.error.main} 4px 6px)`,
  }),
  selected: css({
    outline: `2px solid ${theme.colors.primary.main}`,
    outlineOffset: 1,
    zIndex: 2,
  }),
  finding: css({
    outline: `3px solid ${findingColor(theme)}`,
    outlineOffset: 1,
    opacity: 1,
    zIndex: 3,
  }),
  labelFinding: css({
    boxShadow: `inset 3px 0 0 ${findingColor(theme)}`,
    fontWeight: theme.typography.fontWeightBold,
  }),
  findingMarker: css({
    display: 'inline-block',
    width: 8,
    height: 8,
    transform: 'rotate(45deg)',
    background: findingColor(theme),
    marginRight: theme.spacing(0.75),
  }),
  errorDot: css({
    display: 'inline-block',
    width: 8,
    height: 8,
    borderRadius: '50%',
    background: theme.colors.error.main,
    marginRight: theme.spacing(0.5),
  }),
  slowest: css({
    marginTop: theme.spacing(1),
  }),
  slowRow: css({
    all: 'unset',
    cursor: 'pointer',
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) 90px 110px 100px',
    gap: theme.spacing(1),
    padding: theme.spacing(0.25, 0.5),
    '&:hover': { background: theme.colors.action.hover },
  }),
  slowName: css({
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
