// The SQL behind the query API (collector/src/api): one module per concern, all over bound parameters.

export { type EarlierTracesFilter, earlierTraces, type TraceMeasuresRow } from './analysis.js';
export { baselineKey, currentBaseline, markBaseline } from './baselines.js';
export { hasControlCharacters, type QueryContext } from './context.js';
export {
  type FailurePatternFilter,
  failurePatterns,
  type TraceFailureCounts,
  traceFailureCounts,
} from './failures.js';
export {
  getPromptVersion,
  insertPromptVersion,
  latestPromptVersionNumber,
  listPromptVersions,
} from './prompts.js';
export { type SearchFilter, search } from './search.js';
export { loadTraceView, type TraceView, VIEW_ATTRIBUTE_VALUE_CHARS } from './span-selection.js';
export {
  type LoadSpansOptions,
  loadSpan,
  loadSpans,
  SharedMessages,
  spanExists,
  storedSpanKeys,
  tracesLinkingTo,
} from './spans.js';
export {
  bucketCount,
  defaultStepSeconds,
  MAX_POINTS,
  STATS_GROUP_BY,
  type StatsFilter,
  type StatsGroupBy,
  statsSummary,
  statsTimeseries,
} from './stats.js';
export { latestAnnotations, latestTags, versionNow, writeAnnotations, writeTags } from './tags.js';
export {
  listTraces,
  type TraceBounds,
  type TraceCursor,
  type TraceListFilter,
  type TraceListPage,
  traceBounds,
  traceSummary,
} from './traces.js';
