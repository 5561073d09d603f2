// Page chrome: inside Grafana, PluginPage (Grafana draws title, breadcrumbs, actions and the app's nav from
// plugin.json); in the standalone host, a nav bar of the same pages and a plain header with the title and actions.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Text, useStyles2 } from '@grafana/ui';
import { createContext, type ReactNode, useContext } from 'react';
import { NavLink } from 'react-router-dom';
import { useBeaconEnv } from '../../api/context';

/** A page of the nav: a row of the route table (src/routes.tsx). */
export interface NavPage {
  /** Relative to the app's base URL. */
  path: string;
  title: string;
}

/**
 * The pages of the standalone nav bar, handed down by App from the route table: components never import the
 * table, since it imports the pages (and the pages import this component).
 */
export const NavPagesContext = createContext<readonly NavPage[]>([]);

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
      <StandaloneNav />
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

/** The pages plugin.json puts in Grafana's nav (the route table's nav rows), for the standalone host. */
function StandaloneNav() {
  const styles = useStyles2(getStyles);
  const { basePath } = useBeaconEnv();
  const items = useContext(NavPagesContext).map((page) => ({
    label: page.title,
    to: `${basePath}/${page.path}`,
  }));
  return (
    <nav className={styles.nav} aria-label="Beacon">
      <span className={styles.brand}>Beacon</span>
      {items.map((item) => (
        <NavLink
          key={item.label}
          to={item.to}
          className={({ isActive }) => (isActive ? `${styles.navLink} ${styles.navActive}` : styles.navLink)}
        >
          {item.label}
        </NavLink>
      ))}
    </nav>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  nav: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    margin: theme.spacing(-2, -3, 2),
    padding: theme.spacing(1, 3),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    background: theme.colors.background.secondary,
  }),
  brand: css({
    fontWeight: theme.typography.fontWeightBold,
    marginRight: theme.spacing(1),
  }),
  navLink: css({
    color: theme.colors.text.secondary,
    '&:hover': { color: theme.colors.text.primary },
  }),
  navActive: css({
    color: theme.colors.text.primary,
    fontWeight: theme.typography.fontWeightMedium,
    boxShadow: `inset 0 -2px 0 ${theme.colors.primary.main}`,
  }),
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
