// Both runs' steps side by side, as the collector's compare aligned them: one row per matched pair (A's step left,
// B's right), a changed step marked in both, a step only one run took opposite an empty cell. The two timelines
// are one virtualized list of rows, so they scroll together by construction and the DOM holds a screen of rows
// whatever the runs' size. The first divergence is selected and scrolled into view; the outputs of the selected
// pair are diffed below.
import type { StepAlignment } from '@beacon/collector/api-contract';
import { cx } from '@emotion/css';
import { Button, Text, useStyles2 } from '@grafana/ui';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  type AlignedRow,
  alignedRows,
  type CompareSide,
  divergenceStarts,
  isDivergent,
  outputDifferences,
  positionIn,
  stepFrom,
} from '../../utils/compare';
import { shortId } from '../../utils/format';
import { Minimap } from './Minimap';
import { OutputDiffPanel } from './OutputDiffPanel';
import { StepCell } from './StepCell';
import { getStyles, ROW_HEIGHT } from './styles';

export interface CompareTimelinesProps {
  alignment: StepAlignment;
  /** The baseline run (the alignment's baselineSteps). */
  a: CompareSide;
  /** The run compared (the alignment's steps). */
  b: CompareSide;
}

/** Before the list is laid out (or where nothing is, as in jsdom) its height reads 0: assume a window's height so
 * that a first screen of rows renders rather than none. (As ContextView does; it does not export it.) */
function observeRectOrWindow(
  instance: Virtualizer<HTMLDivElement, Element>,
  cb: (rect: { width: number; height: number }) => void,
) {
  return observeElementRect(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width, height: window.innerHeight }),
  );
}

function useCompareRows({ alignment, a, b }: CompareTimelinesProps) {
  const rows = useMemo(() => alignedRows(alignment), [alignment]);
  const divergences = useMemo(() => divergenceStarts(rows), [rows]);
  const outputs = useMemo(() => outputDifferences(rows, a, b), [rows, a, b]);
  return { rows, divergences, outputs, outputSet: useMemo(() => new Set(outputs), [outputs]) };
}

const ROW_CLASS = {
  same: undefined,
  unaligned: 'unaligned',
  changed: 'changed',
  removed: 'removed',
  added: 'added',
} as const;

export function CompareTimelines(props: CompareTimelinesProps) {
  const { alignment, a, b } = props;
  const styles = useStyles2(getStyles);
  const { rows, divergences, outputs, outputSet } = useCompareRows(props);
  const [selected, setSelected] = useState<number | null>(() => divergences[0] ?? outputs[0] ?? null);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    observeElementRect: observeRectOrWindow,
  });

  // The selected row (the first divergence at first; then whatever the controls or a click chose) in view.
  useEffect(() => {
    if (selected !== null) virtualizer.scrollToIndex(selected, { align: 'center' });
  }, [selected, virtualizer]);

  const go = (list: readonly number[], direction: 1 | -1) => {
    const next = stepFrom(list, selected, direction);
    if (next !== null) setSelected(next);
  };
  const inDivergence = selected !== null && isDivergent(rows[selected]!);
  const totalSize = virtualizer.getTotalSize();
  const viewHeight = virtualizer.scrollRect?.height ?? 0;
  const offset = virtualizer.scrollOffset ?? 0;
  const view =
    totalSize > 0 ? { from: offset / totalSize, to: (offset + viewHeight) / totalSize } : { from: 0, to: 1 };

  return (
    <div className={styles.container} data-testid="compare-timelines">
      <div className={styles.toolbar}>
        <Button
          size="sm"
          variant="secondary"
          icon="arrow-up"
          onClick={() => go(divergences, -1)}
          disabled={stepFrom(divergences, selected, -1) === null}
        >
          Previous divergence
        </Button>
        <Button
          size="sm"
          icon="arrow-down"
          onClick={() => go(divergences, 1)}
          disabled={stepFrom(divergences, selected, 1) === null}
        >
          Next divergence
        </Button>
        <span className={styles.counter} data-testid="divergence-counter">
          {divergences.length === 0
            ? 'No divergence'
            : inDivergence
              ? `Divergence ${positionIn(divergences, selected)} of ${divergences.length}`
              : `${divergences.length} divergence${divergences.length === 1 ? '' : 's'}`}
        </span>
        <Button
          size="sm"
          variant="secondary"
          onClick={() => go(outputs, 1)}
          disabled={stepFrom(outputs, selected, 1) === null}
        >
          Next output difference
        </Button>
        <span className={styles.counter} data-testid="output-counter">
          {outputs.length === 0
            ? 'aligned calls answered the same'
            : `${outputs.length} aligned call${outputs.length === 1 ? '' : 's'} answered differently`}
        </span>
        <span className={styles.legend}>
          <span>
            <span className={cx(styles.swatch, styles.changed)} />
            changed
          </span>
          <span>
            <span className={cx(styles.swatch, styles.removed)} />
            only in A
          </span>
          <span>
            <span className={cx(styles.swatch, styles.added)} />
            only in B
          </span>
        </span>
      </div>
      <div className={styles.header}>
        <span>
          A <code>{shortId(a.traceId)}</code> · {a.steps.length} steps (baseline)
        </span>
        <span>
          B <code>{shortId(b.traceId)}</code> · {b.steps.length} steps
        </span>
      </div>
      {!alignment.exact && (
        <Text element="p" color="secondary">
          Past the first divergence the runs differ too much to align step by step: the rows after it only put
          each run's next steps side by side.
        </Text>
      )}
      <div className={styles.body}>
        <div ref={scroller} className={styles.scroller} data-testid="compare-scroller">
          <ol className={styles.list} style={{ height: totalSize }} aria-label="Both runs' steps, aligned">
            {virtualizer.getVirtualItems().map((item) => (
              <Row
                key={item.key}
                index={item.index}
                row={rows[item.index]!}
                start={item.start}
                selected={item.index === selected}
                outputDiffers={outputSet.has(item.index)}
                sides={[a, b]}
                onSelect={setSelected}
              />
            ))}
          </ol>
        </div>
        <Minimap
          total={rows.length}
          divergences={divergences}
          outputDifferences={outputs}
          view={view}
          onJump={setSelected}
        />
      </div>
      {selected !== null && rows[selected] && <OutputDiffPanel row={rows[selected]} a={a} b={b} />}
    </div>
  );
}

interface RowProps {
  index: number;
  row: AlignedRow;
  start: number;
  selected: boolean;
  outputDiffers: boolean;
  sides: [CompareSide, CompareSide];
  onSelect: (index: number) => void;
}

function Row({ index, row, start, selected, outputDiffers, sides, onSelect }: RowProps) {
  const styles = useStyles2(getStyles);
  const kindClass = ROW_CLASS[row.kind];
  return (
    // The row is a click target for the mouse; keyboard users move with the divergence controls above.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the toolbar's buttons are the keyboard path to every row
    <li
      className={cx(styles.row, kindClass && styles[kindClass], selected && styles.selected)}
      style={{ transform: `translateY(${start}px)` }}
      data-testid="compare-row"
      data-row={index}
      data-kind={row.kind}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onSelect(index)}
    >
      <StepCell side={sides[0]} which="a" index={row.a} kind={row.kind} outputDiffers={outputDiffers} />
      <StepCell side={sides[1]} which="b" index={row.b} kind={row.kind} outputDiffers={outputDiffers} />
    </li>
  );
}
