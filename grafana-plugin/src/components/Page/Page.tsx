// Page chrome: inside Grafana, PluginPage (Grafana draws title, breadcrumbs and actions); in the standalone host,
// a plain header with the same title and actions.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Text, useStyles2 } from '@grafana/ui';
import type { ReactNode } from 'react';
import { useBeaconEnv } from '../../api/context';

export interface PageProps {
  title: string;
  /** The page is one of plugin.json's nav pages: Grafana already titles it, so no extra breadcrumb. */
  inNav?: boolean;
  subTitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}

export function Page({ title, inNav = false, subTitle, actions, children }: PageProps) {
  const { host } = useBeaconEnv();
  const styles = useStyles2(getStyles);
  if (host === 'grafana') {
    return (
      <PluginPage pageNav={inNav ? undefined : { text: title }} subTitle={subTitle} actions={actions}>
        {children}
      </PluginPage>
    );
  }
  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div>
          <Text element="h1" variant="h2">
            {title}
          </Text>
          {subTitle && <div className={styles.subTitle}>{subTitle}</div>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      {children}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    padding: theme.spacing(2, 3),
  }),
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
  subTitle: css({
    color: theme.colors.text.secondary,
  }),
  actions: css({
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  }),
});
