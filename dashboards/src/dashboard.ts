// The dashboard shell: what every Beacon dashboard shares (tags, time, refresh, the link to the others), its
// rows of panels, and the JSON form that is written to dashboards/<uid>.json.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Panel,
  RowBuilder,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';

export const TAGS = ['beacon'];

/** A row of a dashboard and the panels under it, in layout order. */
export interface DashboardSection {
  row: string;
  panels: cog.Builder<Panel>[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<VariableModel>[];
  time?: string;
  /** The rows, top to bottom. */
  sections: DashboardSection[];
}

export function dashboard(spec: DashboardSpec): DashboardBuilder {
  const board = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(TAGS)
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time({ from: spec.time ?? 'now-6h', to: 'now' })
    .refresh('1m')
    .variables(spec.variables)
    .link(
      new DashboardLinkBuilder('Beacon dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags(TAGS)
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true)
        .targetBlank(false)
        .icon('external link')
        .tooltip(''),
    );
  for (const section of spec.sections) {
    board.withRow(new RowBuilder(section.row));
    for (const panel of section.panels) board.withPanel(panel);
  }
  return board;
}

/**
 * Turns a built dashboard into its JSON form: panels get stable ids (1, 2, … in layout order), and values
 * JSON cannot hold (the SDK's variant marker functions) are dropped.
 */
export function toJson(built: Dashboard): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(built)) as {
    panels?: { id?: number; panels?: { id?: number }[] }[];
  };
  let id = 0;
  for (const panel of json.panels ?? []) {
    panel.id = ++id;
    for (const nested of panel.panels ?? []) nested.id = ++id;
  }
  return json as Record<string, unknown>;
}
