// Generates the Beacon Grafana dashboards: `npm run generate -w dashboards` (after `npx tsc -b`) writes each one
// to dashboards/<uid>.json. Those files are committed; a test fails when they differ from what this produces.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentOverview } from './agent-overview.js';
import { collectorHealth } from './collector-health.js';
import { toJson } from './dashboard.js';
import { tokenCost } from './token-cost.js';
import { tools } from './tools.js';

export interface GeneratedDashboard {
  uid: string;
  /** The dashboard JSON model, exactly as written to `<uid>.json`. */
  json: Record<string, unknown>;
}

/**
 * Every Beacon dashboard, built from code. Pure: no I/O. Add a new dashboard here: one src/<name>.ts returning a
 * DashboardBuilder, one entry below, then regenerate (its uid joins the list dashboards/test checks).
 */
export function buildDashboards(): GeneratedDashboard[] {
  return [agentOverview(), tokenCost(), tools(), collectorHealth()].map((builder) => {
    const json = toJson(builder.build());
    const uid = json.uid;
    if (typeof uid !== 'string' || uid === '') throw new Error(`dashboard ${String(json.title)} has no uid`);
    return { uid, json };
  });
}

/** File content for a dashboard: 2-space pretty JSON with a trailing newline. */
export function dashboardFileText(json: Record<string, unknown>): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Absolute path of a dashboard's committed file (the dashboards/ package directory, from src/ or dist/). */
export function dashboardFilePath(uid: string): string {
  return fileURLToPath(new URL(`../${uid}.json`, import.meta.url));
}

export function writeDashboards(): string[] {
  return buildDashboards().map(({ uid, json }) => {
    const path = dashboardFilePath(uid);
    writeFileSync(path, dashboardFileText(json));
    return path;
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of writeDashboards()) console.log(`wrote ${path}`);
}
