// The app's pages, in one table. App builds its <Routes> from it; the standalone host's nav bar shows its inNav
// rows, in this order. Inside Grafana the nav comes from plugin.json's page `includes`, which routes.test.ts keeps
// equal to the inNav rows (same names, same paths, same order).
import type { ReactElement } from 'react';
import { ROUTES } from './constants';
import { AgentMapPage } from './pages/AgentMap/AgentMap';
import { BudgetsPage } from './pages/Budgets/Budgets';
import { ComparePage } from './pages/Compare/Compare';
import { PatternsPage } from './pages/Patterns/Patterns';
import { SessionPage } from './pages/Session/Session';
import { SessionsPage } from './pages/Sessions/Sessions';
import { SharedTracePage } from './pages/Shared/Shared';
import { TracePage } from './pages/Trace/Trace';
import { TracesPage } from './pages/Traces/Traces';

export interface AppRoute {
  /** Relative to the app's base URL, as a react-router `<Route path>`. */
  path: string;
  /** The page's name; for a nav page, its label in the nav (and its include's name in plugin.json). */
  title: string;
  element: ReactElement;
  /** Listed in the nav: Grafana's (through plugin.json) and the standalone host's. */
  inNav: boolean;
}

// Add a new page here: one folder in src/pages/, one row in this table (a nav page also needs its include in
// plugin.json, at the same place in the order).
export const APP_ROUTES: readonly AppRoute[] = [
  { path: ROUTES.Traces, title: 'Traces', element: <TracesPage />, inNav: true },
  { path: `${ROUTES.Traces}/:traceId/:spanId?`, title: 'Trace', element: <TracePage />, inNav: false },
  { path: ROUTES.Compare, title: 'Compare', element: <ComparePage />, inNav: true },
  { path: ROUTES.Patterns, title: 'Error patterns', element: <PatternsPage />, inNav: true },
  { path: ROUTES.Budgets, title: 'Budgets', element: <BudgetsPage />, inNav: true },
  { path: ROUTES.Sessions, title: 'Sessions', element: <SessionsPage />, inNav: true },
  { path: `${ROUTES.Sessions}/:sessionId`, title: 'Session', element: <SessionPage />, inNav: false },
  { path: ROUTES.AgentMap, title: 'Agent map', element: <AgentMapPage />, inNav: true },
  { path: `${ROUTES.Shared}/:token`, title: 'Shared trace', element: <SharedTracePage />, inNav: false },
];

/** The nav pages, in nav order. */
export const NAV_ROUTES: readonly AppRoute[] = APP_ROUTES.filter((route) => route.inNav);
