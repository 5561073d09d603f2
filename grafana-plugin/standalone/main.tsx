// The standalone host: the plugin's App outside Grafana, served by the collector at `/` on its API port. Grafana's
// theme and global styles, the direct-fetch BeaconClient against this origin (the collector serves the UI and
// /api/v1 together), and a browser router at the root: the App's pages live at /traces, /traces/<id>, /compare
// (inside Grafana the same routes sit under /a/beacon-agents-app).
import { createTheme } from '@grafana/data';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { BeaconProvider, createFetchClient } from '../src/api';
import { App } from '../src/components/App/App';
import './monaco-workers';

/** The router path the App is mounted at: '' = the site root. */
const BASE_PATH = '';

const theme = createTheme({ colors: { mode: 'dark' } });
const client = createFetchClient({ baseUrl: '' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <BeaconProvider client={client} host="standalone" basePath={BASE_PATH}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </BeaconProvider>
    </ThemeContext.Provider>
  </StrictMode>,
);
