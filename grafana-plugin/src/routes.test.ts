// Grafana draws the app's nav from plugin.json; the standalone host draws it from the route table. They must list
// the same pages, or a page is reachable in one host and missing in the other.
import { describe, expect, it } from 'vitest';
import pluginJson from './plugin.json';
import { APP_ROUTES, NAV_ROUTES } from './routes';

/** Where Grafana mounts the app's root page (module.tsx's setRootPage), as plugin.json spells it. */
const APP_PATH = '/a/%PLUGIN_ID%/';

const pageIncludes = pluginJson.includes
  .filter((include) => include.type === 'page')
  .map((include) => ({ name: include.name, path: include.path }));

describe('the route table and plugin.json', () => {
  it("has a page include for every nav page, with the page's title and path, in the nav's order", () => {
    expect(pageIncludes.filter((include) => include.path.startsWith(APP_PATH))).toEqual(
      NAV_ROUTES.map((route) => ({ name: route.title, path: `${APP_PATH}${route.path}` })),
    );
  });

  it('has no other page include than the config page (module.tsx adds it, Grafana serves it)', () => {
    expect(pageIncludes.filter((include) => !include.path.startsWith(APP_PATH))).toEqual([
      { name: 'Configuration', path: '/plugins/%PLUGIN_ID%' },
    ]);
  });

  it('mounts every page at a path of its own', () => {
    const paths = APP_ROUTES.map((route) => route.path);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
