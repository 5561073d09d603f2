// The trace views beside the span detail: a split pane (Grafana's useSplitter: drag handle, arrow keys) whose detail
// side stays in view while the page scrolls (sticky, with its own scroll) and keeps its width across visits.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useChromeHeaderHeight } from '@grafana/runtime';
import { useSplitter, useStyles2 } from '@grafana/ui';
import type { ReactNode } from 'react';
import { useBeaconEnv } from '../../api/context';

const WIDTH_KEY = 'beacon.spanDetail.width';
const DEFAULT_WIDTH = 520;
const MIN_WIDTH = 320;

function storedWidth(): number {
  try {
    const value = Number(window.localStorage.getItem(WIDTH_KEY));
    return Number.isFinite(value) && value >= MIN_WIDTH ? value : DEFAULT_WIDTH;
  } catch {
    return DEFAULT_WIDTH; // storage disabled: the default width each time
  }
}

function storeWidth(px: number): void {
  try {
    if (Number.isFinite(px) && px >= MIN_WIDTH)
      window.localStorage.setItem(WIDTH_KEY, String(Math.round(px)));
  } catch {
    // storage disabled or full: the width is only kept for this visit
  }
}

export interface DetailSplitPaneProps {
  main: ReactNode;
  detail: ReactNode;
  /** Names the detail side for assistive technology. */
  detailLabel: string;
}

export function DetailSplitPane(props: DetailSplitPaneProps) {
  const { host } = useBeaconEnv();
  return host === 'grafana' ? <BelowGrafanaBar {...props} /> : <SplitPane {...props} top={8} />;
}

/** Inside Grafana its top bar covers the top of the page: the sticky panel sits below it. */
function BelowGrafanaBar(props: DetailSplitPaneProps) {
  return <SplitPane {...props} top={(useChromeHeaderHeight() ?? 0) + 8} />;
}

function SplitPane({ main, detail, detailLabel, top }: DetailSplitPaneProps & { top: number }) {
  const styles = useStyles2(getStyles);
  const { containerProps, primaryProps, secondaryProps, splitterProps } = useSplitter({
    direction: 'row',
    usePixels: true,
    initialSize: storedWidth(),
    handleSize: 'sm',
    onSizeChanged: (_flex, _firstPx, secondPx) => storeWidth(secondPx),
  });
  return (
    // the splitter's container hides its overflow, which would make it the sticky panel's scroll box (the page is)
    <div {...containerProps} style={{ overflow: 'visible' }}>
      <div
        {...primaryProps}
        className={`${primaryProps.className} ${styles.main}`}
        style={{ ...primaryProps.style, minWidth: 0 }}
      >
        {main}
      </div>
      <div
        {...{ ...splitterProps, 'aria-label': 'Resize the span detail' }}
        data-testid="span-detail-resize"
      />
      <div
        {...secondaryProps}
        style={{ ...secondaryProps.style, minWidth: MIN_WIDTH, maxWidth: '75%' }}
        data-testid="span-detail-pane"
      >
        {/* shorter than the window by more than the page's bottom padding, so that at the page's end it still fits */}
        <aside
          className={styles.side}
          style={{ top, maxHeight: `calc(100vh - ${top + 32}px)` }}
          aria-label={detailLabel}
        >
          {detail}
        </aside>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  main: css({
    flexDirection: 'column',
  }),
  side: css({
    position: 'sticky',
    width: '100%',
    overflowY: 'auto',
    overscrollBehavior: 'contain',
    paddingLeft: theme.spacing(1),
    borderLeft: `1px solid ${theme.colors.border.weak}`,
  }),
});
