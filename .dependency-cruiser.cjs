// The import rules of the TypeScript packages (collector, semconv, sdk, dashboards) and the bench and test scripts,
// checked by `npm run lint:deps` (part of `npm test`): which folder may import which, and no import cycles —
// type-only imports included, since they couple modules just as much. (The plugin's .tsx is not parsed by
// dependency-cruiser's swc parser; its one layering rule, components never import pages, is in biome.json.)
// ARCHITECTURE.md draws the same picture. Add a rule here when a new folder gets a place in it.

/** The collector's ground floor: the span model, the read model (contract), errors, time, config, logging. */
const COLLECTOR_GROUND = '^collector/src/(model|errors|time|config|logger)\\.ts$|^collector/src/contract/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: split the shared part into a module both can import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'collector-api-is-the-top',
      comment:
        'api/ is the query API (HTTP). Domain code throws errors.ts errors and shares contract/ types; only the ' +
        'wiring (index.ts, cli.ts) and api/ itself import api/.',
      severity: 'error',
      from: { path: '^collector/src/', pathNot: '^collector/src/(api/|index\\.ts$|cli\\.ts$)' },
      to: { path: '^collector/src/api/' },
    },
    {
      name: 'collector-wiring-is-not-imported',
      comment: 'index.ts assembles the collector; nothing inside it depends on the assembly.',
      severity: 'error',
      from: { path: '^collector/src/', pathNot: '^collector/src/cli\\.ts$' },
      to: { path: '^collector/src/index\\.ts$' },
    },
    {
      name: 'collector-ground-floor-imports-nothing-above',
      comment:
        'model, contract, errors, time, config and logger are used by every stage, so they import none.',
      severity: 'error',
      from: { path: COLLECTOR_GROUND },
      to: { path: '^collector/src/', pathNot: COLLECTOR_GROUND },
    },
    {
      name: 'collector-pipeline-flows-one-way',
      comment: 'receivers → processors → exporters: a stage never imports the stages before it.',
      severity: 'error',
      from: { path: '^collector/src/(processors|exporters)/' },
      to: { path: '^collector/src/receivers/' },
    },
    {
      name: 'collector-exporters-do-not-import-processors',
      comment: 'receivers → processors → exporters: a stage never imports the stages before it.',
      severity: 'error',
      from: { path: '^collector/src/exporters/' },
      to: { path: '^collector/src/processors/' },
    },
    {
      name: 'collector-storage-below-the-pipeline-and-readers',
      comment:
        'storage/ (schema, migrations, queries) serves the ClickHouse exporter and every reader; it imports none of them.',
      severity: 'error',
      from: { path: '^collector/src/storage/' },
      to: { path: '^collector/src/(receivers|processors|exporters|analysis|replay|budgets|mcp|auth)/' },
    },
    {
      name: 'semconv-is-pure',
      comment:
        'semconv runs in the SDK, the collector and the browser: no Node APIs, no other Beacon package.',
      severity: 'error',
      from: { path: '^semconv/src/' },
      to: {
        dependencyTypes: ['core'],
      },
    },
    {
      name: 'semconv-is-the-ground-floor',
      comment: 'semconv runs in the SDK, the collector and the browser: it imports no other Beacon package.',
      severity: 'error',
      from: { path: '^semconv/src/' },
      to: { path: '^(collector|sdk|grafana-plugin|dashboards)/' },
    },
    {
      name: 'sdk-does-not-import-the-collector',
      comment: 'The SDK ships to agent processes; the collector is a separate deployable.',
      severity: 'error',
      from: { path: '^sdk/src/' },
      to: { path: '^collector/' },
    },
  ],
  options: {
    // TypeScript is parsed with swc (already a dependency of the plugin build): TypeScript 7's compiler has no
    // JavaScript API for dependency-cruiser to call.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-standalone|node_modules)/' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs'],
      conditionNames: ['import', 'types', 'default'],
    },
  },
};
