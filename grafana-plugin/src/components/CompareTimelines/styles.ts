// Styles of the side-by-side step view: one row per aligned pair, A's step left, B's right.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** Every row is one line high, so the virtualizer never measures. */
export const ROW_HEIGHT = 28;
const INDENT_PX = 12;
/** Indentation stops here: a deep tree must still leave room for the label. */
export const MAX_INDENT_DEPTH = 12;
export const indentOf = (depth: number) => Math.min(depth, MAX_INDENT_DEPTH) * INDENT_PX;

export const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  }),
  counter: css({
    color: theme.colors.text.secondary,
    fontVariantNumeric: 'tabular-nums',
  }),
  legend: css({
    display: 'flex',
    gap: theme.spacing(1.5),
    marginLeft: 'auto',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    marginRight: 4,
    borderRadius: 2,
    verticalAlign: 'middle',
  }),
  header: css({
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(1),
    paddingRight: 18,
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  body: css({
    display: 'flex',
    gap: 4,
  }),
  scroller: css({
    flex: 1,
    // its own scroll, most of a screen high (room left for the selected pair's diff below): the page stays short
    // whatever the number of steps
    height: 'max(320px, calc(100vh - 560px))',
    overflowY: 'auto',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    position: 'relative',
    width: '100%',
  }),
  row: css({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    height: ROW_HEIGHT,
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(1),
    cursor: 'pointer',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    '&:hover': { background: theme.colors.action.hover },
  }),
  selected: css({
    outline: `2px solid ${theme.colors.primary.border}`,
    outlineOffset: -2,
  }),
  changed: css({ background: theme.colors.warning.transparent }),
  removed: css({ background: theme.colors.error.transparent }),
  added: css({ background: theme.colors.success.transparent }),
  unaligned: css({ color: theme.colors.text.secondary }),
  cell: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    minWidth: 0,
    padding: theme.spacing(0, 1),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  empty: css({
    color: theme.colors.text.secondary,
    fontStyle: 'italic',
  }),
  number: css({
    minWidth: 44,
    textAlign: 'right',
    color: theme.colors.text.secondary,
    fontVariantNumeric: 'tabular-nums',
    flexShrink: 0,
  }),
  label: css({
    flex: 1,
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  errorText: css({ color: theme.colors.error.text }),
  badge: css({
    flexShrink: 0,
    padding: '0 4px',
    borderRadius: 2,
    fontSize: 11,
    background: theme.colors.info.transparent,
    color: theme.colors.info.text,
  }),
  track: css({
    position: 'relative',
    width: '22%',
    minWidth: 60,
    height: 8,
    flexShrink: 0,
    background: theme.colors.background.secondary,
    borderRadius: 2,
  }),
  bar: css({
    position: 'absolute',
    top: 0,
    height: '100%',
    minWidth: 2,
    borderRadius: 2,
    background: theme.colors.primary.main,
  }),
  barError: css({ background: theme.colors.error.main }),
  duration: css({
    minWidth: 56,
    textAlign: 'right',
    color: theme.colors.text.secondary,
    fontVariantNumeric: 'tabular-nums',
    flexShrink: 0,
  }),
  minimap: css({
    position: 'relative',
    width: 14,
    flexShrink: 0,
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  mark: css({
    position: 'absolute',
    left: 0,
    width: '100%',
    height: 4,
    padding: 0,
    border: 'none',
    cursor: 'pointer',
  }),
  markDivergence: css({ background: theme.colors.warning.main }),
  markOutput: css({ background: theme.colors.info.main }),
  viewport: css({
    position: 'absolute',
    left: 0,
    width: '100%',
    border: `1px solid ${theme.colors.text.secondary}`,
    borderRadius: 2,
    pointerEvents: 'none',
  }),
});
