// Checks the built plugin (npm run build -w grafana-plugin): dist/plugin.json against the required fields of
// Grafana's plugin.json schema, and dist/module.js as Grafana loads it — an AMD module defining `plugin`, whose
// root page and config page render with Grafana's shared modules supplied by a tiny AMD `define` shim.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import { AppPlugin, type AppRootProps, PluginType } from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import { type BackendSrv, type BackendSrvRequest, setBackendSrv } from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { render, screen, within } from '@testing-library/react';
import type { ComponentType } from 'react';
import * as react from 'react';
import * as reactDom from 'react-dom';
import * as reactRouterDom from 'react-router-dom';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import * as rxjs from 'rxjs';
import { of } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { summary } from './fixtures';

const DIST = resolve(__dirname, '../dist');
const PLUGIN_ID = 'beacon-agents-app';

/** What Grafana's loader provides to plugins (the subset this plugin may import). */
const SHARED: Record<string, unknown> = {
  react,
  'react-dom': reactDom,
  'react-router': reactRouterDom,
  'react-router-dom': reactRouterDom,
  rxjs,
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
};

function readDist(file: string): string {
  const path = join(DIST, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build -w grafana-plugin\` first`);
  return readFileSync(path, 'utf8');
}

interface PluginJson {
  id: string;
  type: string;
  name: string;
  info: {
    author: { name: string };
    logos: { small: string; large: string };
    version: string;
    updated: string;
  };
  dependencies: { grafanaDependency: string; plugins?: unknown[] };
  includes: {
    type: string;
    name: string;
    path: string;
    addToNav?: boolean;
    defaultNav?: boolean;
    role?: string;
  }[];
  routes: { path: string; url: string; headers: { name: string; content: string }[] }[];
}

describe('dist/plugin.json', () => {
  const raw = readDist('plugin.json');
  const json = JSON.parse(raw) as PluginJson;

  it('has the fields the plugin.json schema requires, filled in', () => {
    expect(json.id).toBe(PLUGIN_ID);
    expect(json.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?app$/); // the schema's id pattern for apps
    expect(json.type).toBe(PluginType.app);
    expect(json.name).toBeTruthy();
    expect(json.info.author.name).toBeTruthy();
    expect(json.info.version).toBe(
      JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')).version,
    );
    expect(json.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const logo of [json.info.logos.small, json.info.logos.large])
      expect(existsSync(join(DIST, logo))).toBe(true);
    expect(json.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+$/);
    expect(raw).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
    expect(existsSync(join(DIST, 'README.md'))).toBe(true);
  });

  it('includes the Traces (default), Compare, Error patterns and Configuration pages', () => {
    const byName = Object.fromEntries(json.includes.map((i) => [i.name, i]));
    expect(byName.Traces).toMatchObject({
      type: 'page',
      path: `/a/${PLUGIN_ID}/traces`,
      addToNav: true,
      defaultNav: true,
    });
    expect(byName.Compare).toMatchObject({ type: 'page', path: `/a/${PLUGIN_ID}/compare`, addToNav: true });
    expect(byName['Error patterns']).toMatchObject({
      type: 'page',
      path: `/a/${PLUGIN_ID}/patterns`,
      addToNav: true,
    });
    expect(byName.Configuration).toMatchObject({
      type: 'page',
      path: `/plugins/${PLUGIN_ID}`,
      role: 'Admin',
    });
    expect(json.includes.filter((i) => i.defaultNav)).toHaveLength(1);
  });

  it('proxies `collector` to the configured URL with the secret API key', () => {
    expect(json.routes).toEqual([
      {
        path: 'collector',
        url: '{{ .JsonData.collectorUrl }}',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiKey }}' }],
      },
    ]);
  });
});

describe('dist/module.js', () => {
  let deps: string[] = [];
  let exported: { plugin?: unknown } = {};

  beforeAll(() => {
    const code = readDist('module.js');
    let defined = false;
    const define = (names: string[], factory: (...modules: unknown[]) => { plugin?: unknown }) => {
      defined = true;
      deps = names;
      exported = factory(...names.map((n) => SHARED[n]));
    };
    (define as unknown as { amd: object }).amd = {};
    new Function('define', code)(define);
    expect(defined).toBe(true);
    // Lazy chunks: what Grafana would fetch from public/plugins/<id>/ — evaluate them in this window.
    for (const file of readdirSync(DIST).filter((f) => f.endsWith('.js') && f !== 'module.js')) {
      new Function(readFileSync(join(DIST, file), 'utf8'))();
    }
  });

  it('is an AMD module that takes only shared modules from Grafana and bundles no React', () => {
    expect(deps.length).toBeGreaterThan(0);
    for (const dep of deps) expect(Object.keys(SHARED)).toContain(dep);
    expect(deps).toEqual(
      expect.arrayContaining(['react', '@grafana/data', '@grafana/ui', '@grafana/runtime']),
    );
    for (const file of readdirSync(DIST).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(DIST, file), 'utf8');
      expect(text, file).not.toContain('__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE');
    }
  });

  it('defines `plugin`: an AppPlugin with a root page and the configuration page', () => {
    const plugin = exported.plugin as AppPlugin;
    expect(plugin).toBeInstanceOf(AppPlugin);
    expect(typeof plugin.root).toBe('function');
    expect(plugin.configPages?.map((p) => [p.id, p.title])).toEqual([['configuration', 'Configuration']]);
  });

  it('renders the root page, which reads traces through the plugin proxy', async () => {
    const requests: BackendSrvRequest[] = [];
    setBackendSrv({
      fetch: (req: BackendSrvRequest) => {
        requests.push(req);
        return of({
          data: { traces: [summary({ rootSpanName: 'invoke_agent from-dist' })], nextCursor: null },
          status: 200,
          ok: true,
        });
      },
    } as unknown as BackendSrv);
    const plugin = exported.plugin as AppPlugin;
    const Root = plugin.root as ComponentType<AppRootProps>;
    const meta = { id: PLUGIN_ID, name: 'Beacon', jsonData: {} } as AppRootProps['meta'];
    render(
      <MemoryRouter initialEntries={[`/a/${PLUGIN_ID}/traces`]}>
        <Routes>
          <Route
            path={`/a/${PLUGIN_ID}/*`}
            element={
              <Root meta={meta} basename={`/a/${PLUGIN_ID}`} path="" query={{}} onNavChanged={() => {}} />
            }
          />
        </Routes>
      </MemoryRouter>,
    );
    const row = await screen.findByTestId('trace-row', {}, { timeout: 10_000 });
    expect(within(row).getByText('invoke_agent from-dist')).toBeTruthy();
    expect(requests[0]!.url).toMatch(new RegExp(`^api/plugin-proxy/${PLUGIN_ID}/collector/api/v1/traces\\?`));
  });

  it('renders the configuration page', async () => {
    const plugin = exported.plugin as AppPlugin;
    const Config = plugin.configPages![0]!.body;
    const meta = { id: PLUGIN_ID, name: 'Beacon', jsonData: {}, secureJsonFields: { apiKey: true } };
    render(<Config plugin={{ meta } as never} query={{}} />);
    expect(
      await screen.findByPlaceholderText('http://beacon-collector:4320', {}, { timeout: 10_000 }),
    ).toBeTruthy();
    expect(screen.getByDisplayValue('configured')).toBeTruthy();
  });
});
