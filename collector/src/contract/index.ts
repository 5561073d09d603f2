// The collector's read model: the types the query API answers with and that storage, analysis, replay, budgets and
// the MCP tools share — and that the Grafana plugin / standalone UI read through `@beacon/collector/api-contract`.
// Types (and a few constant lists) only: the plugin imports them with `import type`, so nothing here runs.
// Timestamps are nanoseconds since the epoch as decimal strings (JSON numbers lose precision past 2^53);
// durations are milliseconds as numbers (fractions allowed).
//
// This file is the contract's one entry point; the files it lists import each other only one way (no cycles) and
// re-export nothing. Add a new area of the contract here: one file beside this one, one line below.
export type { FailureCategory } from '@beacon/semconv';
export * from './analysis.js';
export type * from './budgets.js';
export type * from './replay.js';
export type * from './sessions.js';
export type * from './shares.js';
export type * from './traces.js';
