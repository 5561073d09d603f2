// The app's routes. Host-agnostic: it needs a router and a <BeaconProvider> above it — Grafana's root page
// (GrafanaAppRoot) or the standalone host (standalone/main.tsx) provide both. The pages are the rows of the route
// table (src/routes.tsx); App hands its nav rows down to the page chrome, which draws the standalone nav bar.
import { Navigate, Route, Routes } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { APP_ROUTES, NAV_ROUTES } from '../../routes';
import { NavPagesContext } from '../Page/Page';

export function App() {
  const paths = usePaths();
  return (
    <NavPagesContext.Provider value={NAV_ROUTES}>
      <Routes>
        {APP_ROUTES.map((route) => (
          <Route key={route.path} path={route.path} element={route.element} />
        ))}
        <Route path="*" element={<Navigate to={paths.traces()} replace />} />
      </Routes>
    </NavPagesContext.Provider>
  );
}

export default App;
