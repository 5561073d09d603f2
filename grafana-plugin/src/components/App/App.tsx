// The app's routes. Host-agnostic: it needs a router and a <BeaconProvider> above it — Grafana's root page
// (GrafanaAppRoot) or the standalone host (standalone.tsx) provide both.
import { Navigate, Route, Routes } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { ROUTES } from '../../constants';
import { AgentMapPage } from '../../pages/AgentMap/AgentMap';
import { BudgetsPage } from '../../pages/Budgets/Budgets';
import { ComparePage } from '../../pages/Compare/Compare';
import { PatternsPage } from '../../pages/Patterns/Patterns';
import { SessionPage } from '../../pages/Session/Session';
import { SessionsPage } from '../../pages/Sessions/Sessions';
import { SharedTracePage } from '../../pages/Shared/Shared';
import { TracePage } from '../../pages/Trace/Trace';
import { TracesPage } from '../../pages/Traces/Traces';

export function App() {
  const paths = usePaths();
  return (
    <Routes>
      <Route path={`${ROUTES.Traces}/:traceId/:spanId?`} element={<TracePage />} />
      <Route path={ROUTES.Traces} element={<TracesPage />} />
      <Route path={ROUTES.Compare} element={<ComparePage />} />
      <Route path={ROUTES.Patterns} element={<PatternsPage />} />
      <Route path={ROUTES.Budgets} element={<BudgetsPage />} />
      <Route path={ROUTES.Sessions} element={<SessionsPage />} />
      <Route path={`${ROUTES.Sessions}/:sessionId`} element={<SessionPage />} />
      <Route path={ROUTES.AgentMap} element={<AgentMapPage />} />
      <Route path={`${ROUTES.Shared}/:token`} element={<SharedTracePage />} />
      <Route path="*" element={<Navigate to={paths.traces()} replace />} />
    </Routes>
  );
}

export default App;
