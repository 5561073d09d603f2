// The waterfall's styles, shared by its parts (toolbar, ruler, minimap, rows, bars).
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { findingColor } from '../common/kinds';

export const ROW_HEIGHT = 24;
export const RULER_HEIGHT = 22;
export const MINIMAP_HEIGHT = 40;
/** The label column and the time column, the same in the header and every row so that they line up. */
const COLUMNS = 'minmax(180px, 30%) minmax(0, 1fr)';

/** The toolbar, the scroll box, the ruler and the minimap. */
const chromeStyles = (theme: GrafanaTheme2) => ({
  container: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), minWidth: 0 }),
  toolbar: css({ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: theme.spacing(1, 2) }),
  agents: css({ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  note: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  columns: css({
    display: 'grid',
    gridTemplateColumns: COLUMNS,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  // Its own scroll, at most most of a screen high: the page stays short however many spans the trace has.
  scroller: css({
    position: 'relative',
    maxHeight: '62vh',
    overflowY: 'auto',
    overflowX: 'hidden',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  stickyHeader: css({
    position: 'sticky',
    top: 0,
    zIndex: 5,
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.medium}`,
  }),
  headerLabel: css({
    display: 'flex',
    alignItems: 'center',
    padding: theme.spacing(0, 1),
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  ruler: css({
    position: 'relative',
    height: RULER_HEIGHT,
    cursor: 'crosshair',
    userSelect: 'none',
    touchAction: 'none',
    color: theme.colors.text.secondary,
    overflow: 'hidden',
  }),
  tick: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    borderLeft: `1px solid ${theme.colors.border.medium}`,
    paddingLeft: 3,
    lineHeight: `${RULER_HEIGHT}px`,
    whiteSpace: 'nowrap',
    pointerEvents: 'none',
  }),
  gridLine: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    borderLeft: `1px dashed ${theme.colors.border.weak}`,
    pointerEvents: 'none',
  }),
  brush: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    background: theme.colors.primary.transparent,
    border: `1px solid ${theme.colors.primary.border}`,
    pointerEvents: 'none',
  }),
  minimap: css({
    position: 'relative',
    height: MINIMAP_HEIGHT,
    cursor: 'crosshair',
    userSelect: 'none',
    touchAction: 'none',
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    '& svg': { display: 'block', width: '100%', height: '100%' },
  }),
});

/** Rows, labels, bars and the lists under them. */
const rowStyles = (theme: GrafanaTheme2) => ({
  rowsBody: css({ position: 'relative', width: '100%' }),
  row: css({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    height: ROW_HEIGHT,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  rowMatch: css({ background: theme.colors.warning.transparent }),
  rowCurrentMatch: css({
    background: theme.colors.warning.transparent,
    boxShadow: `inset 0 0 0 2px ${theme.colors.warning.main}`,
  }),
  rowSelected: css({ background: theme.colors.action.selected }),
  label: css({
    display: 'flex',
    alignItems: 'center',
    minWidth: 0,
    height: ROW_HEIGHT,
    gap: 2,
  }),
  toggle: css({
    all: 'unset',
    cursor: 'pointer',
    flex: '0 0 16px',
    width: 16,
    textAlign: 'center',
    color: theme.colors.text.secondary,
    '&:hover': { color: theme.colors.text.primary },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  toggleSpacer: css({ flex: '0 0 16px' }),
  labelText: css({
    all: 'unset',
    cursor: 'pointer',
    flex: '1 1 auto',
    minWidth: 0,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    lineHeight: `${ROW_HEIGHT}px`,
    '&:hover': { textDecoration: 'underline' },
  }),
  childCount: css({
    flex: '0 0 auto',
    marginRight: theme.spacing(0.5),
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.medium}`,
    color: theme.colors.text.secondary,
    fontSize: 11,
    lineHeight: '16px',
  }),
  track: css({ position: 'relative', height: ROW_HEIGHT, overflow: 'hidden' }),
  bar: css({
    position: 'absolute',
    height: ROW_HEIGHT - 6,
    top: 3,
    border: 'none',
    padding: 0,
    borderRadius: 2,
    cursor: 'pointer',
    overflow: 'hidden',
    textAlign: 'left',
    color: theme.colors.getContrastText(theme.colors.primary.main),
  }),
  barLabel: css({ padding: theme.spacing(0, 0.5), whiteSpace: 'nowrap', fontSize: 11, lineHeight: '18px' }),
  duration: css({
    position: 'absolute',
    top: 0,
    lineHeight: `${ROW_HEIGHT}px`,
    fontSize: 11,
    whiteSpace: 'nowrap',
    color: theme.colors.text.secondary,
    pointerEvents: 'none',
  }),
  // Over a bar that fills the view: on a chip, readable whatever the bar's colour.
  durationInside: css({
    top: 4,
    lineHeight: '16px',
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
  }),
  critical: css({ boxShadow: `0 0 0 2px ${theme.colors.warning.main}`, zIndex: 1 }),
  dimmed: css({ opacity: 0.55 }),
  error: css({
    backgroundImage: `repeating-linear-gradient(45deg, transparent 0 4px, ${theme.colors.error.main} 4px 6px)`,
  }),
  selected: css({ outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: 1, zIndex: 2 }),
  finding: css({ outline: `3px solid ${findingColor(theme)}`, outlineOffset: 1, opacity: 1, zIndex: 3 }),
  labelFinding: css({
    boxShadow: `inset 3px 0 0 ${findingColor(theme)}`,
    fontWeight: theme.typography.fontWeightBold,
  }),
  findingMarker: css({
    display: 'inline-block',
    flex: '0 0 8px',
    width: 8,
    height: 8,
    transform: 'rotate(45deg)',
    background: findingColor(theme),
    marginRight: theme.spacing(0.5),
  }),
  errorDot: css({
    display: 'inline-block',
    flex: '0 0 8px',
    width: 8,
    height: 8,
    borderRadius: '50%',
    background: theme.colors.error.main,
    marginRight: theme.spacing(0.5),
  }),
  lists: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  }),
  listRow: css({
    all: 'unset',
    cursor: 'pointer',
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) 72px minmax(120px, max-content)',
    gap: theme.spacing(1),
    padding: theme.spacing(0.25, 0.5),
    '&:hover': { background: theme.colors.action.hover },
  }),
  ellipsis: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  muted: css({ color: theme.colors.text.secondary }),
});

export const getStyles = (theme: GrafanaTheme2) => ({ ...chromeStyles(theme), ...rowStyles(theme) });
