// The app's routes. Host-agnostic: it needs a router and a <BeaconProvider> above it — Grafana's root page
// (GrafanaAppRoot) or the standalone host (standalone.tsx) provide both.
import { Navigate, Route, Routes } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { ROUTES } from '../../constants';
import { ComparePage } from '../../pages/Compare/Compare';
import { PatternsPage } from '../../pages/Patterns/Patterns';
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
      <Route path="*" element={<Navigate to={paths.traces()} replace />} />
    </Routes>
  );
}

export default App;
