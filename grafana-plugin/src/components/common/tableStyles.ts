import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/**
 * The look the plugin's data tables share: full width, ruled rows, muted headers. `compact` is for a table inside a
 * panel: smaller text, tighter rows, and cells centred on their row (its rows hold buttons).
 */
export function getTableStyles(theme: GrafanaTheme2, { compact = false } = {}) {
  return {
    table: css({
      width: '100%',
      borderCollapse: 'collapse',
      ...(compact && { fontSize: theme.typography.bodySmall.fontSize }),
      'th, td': {
        padding: theme.spacing(compact ? 0.5 : 0.75, 1),
        borderBottom: `1px solid ${theme.colors.border.weak}`,
        textAlign: 'left',
        ...(!compact && { verticalAlign: 'top' }),
      },
      th: {
        color: theme.colors.text.secondary,
        fontWeight: theme.typography.fontWeightMedium,
        whiteSpace: 'nowrap',
      },
      a: { color: theme.colors.text.link },
    }),
    num: css({
      // Beats the table's left alignment of every cell.
      textAlign: 'right !important' as 'right',
      whiteSpace: 'nowrap',
      fontVariantNumeric: 'tabular-nums',
    }),
    nowrap: css({
      whiteSpace: 'nowrap',
    }),
  };
}
