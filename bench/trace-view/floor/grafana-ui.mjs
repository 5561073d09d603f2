// Floor 2: the standalone host's shell with nothing in it — Grafana's dark theme, its global styles and one
/// <reference lib="dom" />
// @grafana/ui button, as standalone/main.tsx sets them up. What any page built on @grafana/ui costs to open.
import { createTheme } from '@grafana/data';
import { Button, GlobalStyles, ThemeContext } from '@grafana/ui';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const theme = createTheme({ colors: { mode: 'dark' } });
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    createElement(
      ThemeContext.Provider,
      { value: theme },
      createElement(GlobalStyles),
      createElement('div', { 'data-testid': 'floor' }, createElement(Button, null, '@grafana/ui')),
    ),
  );
