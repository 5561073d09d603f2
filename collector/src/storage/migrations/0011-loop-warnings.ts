// Loops are warnings, not failures (issue 17): a call repeated with identical input under one parent is marked on
// its own beacon_genai_spans row (LoopRepeats: how many identical calls its group has; 0 = in no loop), never as a
// beacon_span_failures row. A loop is always made of GenAI calls (a tool's name + arguments, a model's input are what
// make two calls identical), so the GenAI span row is where the mark belongs, and no new table or writer path is
// needed. A view rolls the marks into the trace summaries (LoopCallCount) for the trace list's Loop badge; it emits
// rows only for batches holding a loop, so ordinary batches cost nothing more.
//
// Rows written before this migration read LoopRepeats 0; their old `loop` failure rows (migration 0007's table) are
// left where they are and read as neither failure nor warning (storage/queries/failures.ts, traces.ts).
import { TABLES } from '../tables.js';
import type { AddColumnDdl, MaterializedViewDdl } from './ddl.js';
import { defineMigration, type Migration } from './types.js';

const loopRepeatsColumn: AddColumnDdl = {
  kind: 'addColumn',
  table: TABLES.genaiSpans,
  column: 'LoopRepeats UInt16 DEFAULT 0 CODEC(T64, ZSTD(1))',
};

const loopCallCountColumn: AddColumnDdl = {
  kind: 'addColumn',
  table: TABLES.traceSummaries,
  column: 'LoopCallCount SimpleAggregateFunction(sum, UInt64)',
};

/** Start and End as the other summary views compute them (readers take min(Start) / max(End) over all rows). */
function fromLoopsView(): MaterializedViewDdl {
  return {
    kind: 'materializedView',
    view: TABLES.traceSummariesFromLoopsView,
    to: TABLES.traceSummaries,
    from: TABLES.genaiSpans,
    select: `    TraceId,
    min(Timestamp) AS Start,
    max(addNanoseconds(Timestamp, Duration)) AS End,
    count() AS LoopCallCount`,
    tail: `WHERE LoopRepeats > 0
GROUP BY TraceId`,
  };
}

export const loopWarnings: Migration = defineMigration({
  version: 11,
  name: 'loop warnings: beacon_genai_spans.LoopRepeats + trace summaries LoopCallCount',
  // The columns before the view that reads and writes them.
  objects: () => [loopRepeatsColumn, loopCallCountColumn, fromLoopsView()],
});
