// The building blocks of the span detail: a list of facts, a titled section, a table of attributes.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Text, useStyles2 } from '@grafana/ui';
import type { ReactNode } from 'react';

export type Fact = [label: string, value: ReactNode];

export function Facts({ facts, testId }: { facts: Fact[]; testId?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <dl className={styles.facts} data-testid={testId}>
      {facts
        .filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(([label, value]) => (
          <div key={label} className={styles.fact}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.section} aria-label={title}>
      <Text element="h4" variant="h6">
        {title}
      </Text>
      {children}
    </section>
  );
}

export function AttributeTable({ attributes }: { attributes: Record<string, string> }) {
  const styles = useStyles2(getStyles);
  const entries = Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return <div className={styles.muted}>none</div>;
  return (
    <table className={styles.attrs}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <td className={styles.attrKey}>{k}</td>
            <td className={styles.attrValue}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.25),
    margin: 0,
  }),
  fact: css({
    display: 'contents',
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, wordBreak: 'break-all' },
  }),
  label: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  pre: css({
    margin: 0,
    maxHeight: 400,
    overflow: 'auto',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  attrs: css({
    width: '100%',
    fontSize: theme.typography.bodySmall.fontSize,
    td: {
      padding: theme.spacing(0.25, 0.5),
      verticalAlign: 'top',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  attrKey: css({
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
  }),
  attrValue: css({
    wordBreak: 'break-all',
    whiteSpace: 'pre-wrap',
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
