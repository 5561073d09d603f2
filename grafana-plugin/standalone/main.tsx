// The standalone host: the plugin's App outside Grafana, served by the collector at `/` on its API port. Grafana's
// theme and global styles, the direct-fetch BeaconClient against this origin (the collector serves the UI and
// /api/v1 together), and a browser router at the root: the App's pages live at /traces, /traces/<id>, /compare
// (inside Grafana the same routes sit under /a/beacon-agents-app). When the collector requires an API key
// (BEACON_AUTH=on), ApiKeyGate asks for one first and hands the App a client that sends it.
// firstRead is imported first on purpose: it sends the trace page's read before the rest evaluates (firstRead.ts).
import './firstRead';
import { createTheme } from '@grafana/data';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { BeaconProvider } from '../src/api';
import { App } from '../src/components/App/App';
import { ApiKeyGate } from './ApiKeyGate';
import { firstReadFetch } from './firstRead';
import './monaco-workers';

/** The router path the App is mounted at: '' = the site root. */
const BASE_PATH = '';

const appFetch = firstReadFetch((input, init) => fetch(input, init));
const theme = createTheme({ colors: { mode: 'dark' } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <ApiKeyGate baseUrl="" fetch={appFetch}>
        {(client) => (
          <BeaconProvider client={client} host="standalone" basePath={BASE_PATH}>
            <BrowserRouter>
              <App />
            </BrowserRouter>
          </BeaconProvider>
        )}
      </ApiKeyGate>
    </ThemeContext.Provider>
  </StrictMode>,
);
