// Grows the data a benchmark stored by copying it with SQL, much faster than ingesting more over OTLP: every table
// written per span gets `factor - 1` copies of its rows, each copy with new trace ids and a few seconds earlier.
//
//   copy c (1 … factor-1): TraceId   → lower(hex(MD5(concat(TraceId, '/', toString(c × copyBase)))))  (32 hex chars)
//                          Timestamp → Timestamp - c × shiftSeconds (so are the span events' timestamps)
//
// copyBase is 1 when the data is as ingested. Data grown before holds copyBase = (stored / ingested) copies of every
// trace, among them the copies 1 … copyBase-1 of each original made with these same ids: numbering this grow's
// copies in steps of copyBase keeps its ids apart from those (the check at the end would catch a collision).
//
// The new trace id of a trace is the same in every table, SpanId/ParentSpanId stay, so a copy is a whole trace with
// the same shape (services, agents, models, tools, conversation ids, messages) as its original. beacon_messages is
// content-addressed (keyed by hash): copies reference the same messages and it is not copied. The materialized
// views (trace id lookup, trace summaries, spend per minute) fill themselves from the inserts.
//
// Runs on an open chDB session of the data directory, so the collector must be stopped (one process per chDB
// data directory). The current data is snapshotted once (`bench_seed_<table>`, with a chunk number so the copies can
// be inserted a chunk at a time, with progress), copied, and the snapshots are dropped; a snapshot left behind means
// an earlier run was interrupted and the data is half-grown.
import { fmt } from './results.mjs';

/** Tables written per span, copied; their columns holding span or event times, shifted. */
export const GROWN_TABLES = /** @type {const} */ ([
  { table: 'otel_traces', times: ['Timestamp'], timeArrays: ['Events.Timestamp'] },
  { table: 'beacon_genai_spans', times: ['Timestamp'], timeArrays: [] },
  { table: 'beacon_span_failures', times: ['Timestamp'], timeArrays: [] },
]);

/** Tables keyed by TraceId that are filled by materialized views from the grown tables: checked, not copied. */
export const DERIVED_TRACE_TABLES = /** @type {const} */ ([
  'otel_traces_trace_id_ts',
  'beacon_trace_summaries',
]);

export const SEED_PREFIX = 'bench_seed_';

/**
 * @typedef {object} SqlSession the part of chdb's Session used here; the current database is Beacon's
 * @property {(sql: string, format?: string) => string} query
 */

/**
 * @typedef {object} GrowOptions
 * @property {number} factor stored data × factor (an integer ≥ 2)
 * @property {number} [shiftSeconds] copy c starts c × shiftSeconds earlier than its original
 * @property {number} [copyBase] how many times the ingested data the stored data is (see the top of this file)
 * @property {number} [expectSpans] refuse to start unless otel_traces holds exactly this many rows (the manifest's
 *   count: an interrupted or failed grow leaves more)
 * @property {number} [chunkRows] rows per INSERT … SELECT (progress is reported per chunk)
 * @property {(line: string) => void} [log] progress lines (stderr)
 */

/** @param {string} name */
const ident = (name) => `\`${name.replaceAll('`', '\\`')}\``;

/** @param {string} value */
const quote = (value) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * @param {SqlSession} session
 * @param {string} sql
 * @returns {any[]}
 */
function rows(session, sql) {
  const text = session.query(sql, 'JSONEachRow');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/**
 * @param {SqlSession} session
 * @param {string} sql
 */
function number(session, sql) {
  const row = rows(session, sql)[0];
  return Number(row ? Object.values(row)[0] : Number.NaN);
}

/**
 * Stored columns of `table` in order (ALIAS/MATERIALIZED/EPHEMERAL ones cannot be inserted).
 * @param {SqlSession} session
 * @param {string} table
 * @returns {string[]}
 */
function insertableColumns(session, table) {
  return rows(
    session,
    `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${quote(table)}
       AND default_kind NOT IN ('ALIAS', 'MATERIALIZED', 'EPHEMERAL') ORDER BY position`,
  ).map((r) => r.name);
}

/**
 * What a grow is checked against: rows per grown table, distinct traces, distinct trace ids in the derived tables.
 * @param {SqlSession} session
 */
export function dataCounts(session) {
  /** @type {Record<string, number>} */
  const tableRows = {};
  for (const { table } of GROWN_TABLES)
    tableRows[table] = number(session, `SELECT count() FROM ${ident(table)}`);
  /** @type {Record<string, number>} */
  const derivedTraces = {};
  for (const table of DERIVED_TRACE_TABLES)
    derivedTraces[table] = number(session, `SELECT uniqExact(TraceId) FROM ${ident(table)}`);
  return {
    spans: /** @type {number} */ (tableRows.otel_traces),
    traces: number(session, 'SELECT uniqExact(TraceId) FROM otel_traces'),
    tableRows,
    derivedTraces,
    spendCalls: number(session, 'SELECT sum(Calls) FROM beacon_spend_minutely'),
  };
}

/**
 * Active parts per table (many small parts right after a grow: merges follow when the collector runs).
 * @param {SqlSession} session
 * @returns {Record<string, number>}
 */
export function activeParts(session) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const r of rows(
    session,
    `SELECT table, count() AS parts FROM system.parts WHERE database = currentDatabase() AND active
       GROUP BY table ORDER BY table`,
  ))
    out[r.table] = Number(r.parts);
  return out;
}

/**
 * Seed snapshots left by an interrupted grow.
 * @param {SqlSession} session
 * @returns {string[]}
 */
export function leftoverSeeds(session) {
  return rows(
    session,
    `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, ${quote(SEED_PREFIX)})`,
  ).map((r) => r.name);
}

/**
 * Multiplies the stored data by `factor` (see the top of this file). Throws when the result does not add up.
 * @param {SqlSession} session
 * @param {GrowOptions} options
 */
export function growData(
  session,
  { factor, shiftSeconds = 7, copyBase = 1, expectSpans, chunkRows = 250_000, log = () => {} },
) {
  if (!Number.isInteger(factor) || factor < 2)
    throw new Error(`factor must be an integer ≥ 2, got ${factor}`);
  if (!Number.isInteger(copyBase) || copyBase < 1)
    throw new Error(`copyBase must be a positive integer, got ${copyBase}`);
  const leftovers = leftoverSeeds(session);
  if (leftovers.length > 0) {
    throw new Error(
      `${leftovers.join(', ')} left by an interrupted grow: the data is half-grown; start again from a fresh ingest`,
    );
  }
  const started = performance.now();
  const before = dataCounts(session);
  if (before.spans === 0) throw new Error('otel_traces is empty: nothing to grow');
  if (expectSpans !== undefined && before.spans !== expectSpans) {
    throw new Error(
      `otel_traces holds ${fmt(before.spans)} spans, ${fmt(expectSpans)} expected: an earlier grow failed or was ` +
        'interrupted; start again from a fresh ingest',
    );
  }
  log(
    `growing ${fmt(before.spans)} spans (${fmt(before.traces)} traces) × ${factor}: ` +
      `${factor - 1} copies of ${GROWN_TABLES.map((t) => `${t.table} (${fmt(before.tableRows[t.table] ?? 0)} rows)`).join(', ')}`,
  );

  // 1. Snapshot each table once, numbered in chunks (the primary key, so a chunk is a range read).
  const snapshotStarted = performance.now();
  const tables = GROWN_TABLES.map(({ table, times, timeArrays }) => {
    const columns = insertableColumns(session, table);
    const seed = `${SEED_PREFIX}${table}`;
    const list = columns.map(ident).join(', ');
    session.query(
      `CREATE TABLE ${ident(seed)} ENGINE = MergeTree ORDER BY BenchChunk AS
       SELECT intDiv(rowNumberInAllBlocks(), ${chunkRows}) AS BenchChunk, ${list} FROM ${ident(table)}`,
    );
    const seedRows = number(session, `SELECT count() FROM ${ident(seed)}`);
    const chunks = Math.ceil(seedRows / chunkRows);
    return { table, times, timeArrays, columns, seed, seedRows, chunks };
  });
  const snapshotSeconds = (performance.now() - snapshotStarted) / 1000;
  log(`snapshot taken in ${fmt(snapshotSeconds, 1)} s`);

  // 2. Copies 1 … factor-1, table by table, chunk by chunk.
  const totalRows = tables.reduce((sum, t) => sum + t.seedRows, 0) * (factor - 1);
  let doneRows = 0;
  const insertStarted = performance.now();
  /** @type {Record<string, { rows: number; seconds: number }>} */
  const perTable = {};
  try {
    for (let copy = 1; copy < factor; copy++) {
      for (const t of tables) {
        /** @type {(c: string) => string} */
        const expression = (c) => {
          if (c === 'TraceId')
            return `lower(hex(MD5(concat(TraceId, '/', toString(${copy * copyBase}))))) AS TraceId`;
          if (t.times.includes(/** @type {never} */ (c)))
            return `${ident(c)} - toIntervalSecond(${shiftSeconds * copy}) AS ${ident(c)}`;
          if (t.timeArrays.includes(/** @type {never} */ (c)))
            return `arrayMap(x -> x - toIntervalSecond(${shiftSeconds * copy}), ${ident(c)}) AS ${ident(c)}`;
          return ident(c);
        };
        const select = t.columns.map(expression).join(', ');
        const tableStarted = performance.now();
        for (let chunk = 0; chunk < t.chunks; chunk++) {
          session.query(
            `INSERT INTO ${ident(t.table)} (${t.columns.map(ident).join(', ')})
             SELECT ${select} FROM ${ident(t.seed)} WHERE BenchChunk = ${chunk}`,
          );
          doneRows += Math.min(chunkRows, t.seedRows - chunk * chunkRows);
        }
        const seconds = (performance.now() - tableStarted) / 1000;
        const entry = perTable[t.table] ?? { rows: 0, seconds: 0 };
        perTable[t.table] = { rows: entry.rows + t.seedRows, seconds: entry.seconds + seconds };
        const elapsed = (performance.now() - insertStarted) / 1000;
        const rate = doneRows / elapsed;
        const eta = doneRows < totalRows ? `, ETA ${fmt((totalRows - doneRows) / rate)} s` : '';
        log(
          `copy ${copy}/${factor - 1} ${t.table}: ${fmt(t.seedRows)} rows in ${fmt(seconds, 1)} s ` +
            `(${fmt(t.seedRows / Math.max(seconds, 1e-6))} rows/s); all copies ${fmt(doneRows)} / ${fmt(totalRows)} rows ` +
            `(${fmt((100 * doneRows) / totalRows, 1)}%), ${fmt(rate)} rows/s${eta}`,
        );
      }
    }
  } finally {
    // 3. The snapshots go, after a failure too. Only a process killed mid-grow leaves them behind (with half-grown
    // data), and the next grow refuses to start on that.
    for (const t of tables) session.query(`DROP TABLE IF EXISTS ${ident(t.seed)} SYNC`);
  }
  const insertSeconds = (performance.now() - insertStarted) / 1000;

  // 4. Check: every grown table × factor, distinct traces × factor, and the views followed.
  const after = dataCounts(session);
  /** @type {string[]} */
  const problems = [];
  const expect = (/** @type {string} */ what, /** @type {number} */ got, /** @type {number} */ want) => {
    if (got !== want) problems.push(`${what}: ${fmt(got)}, expected ${fmt(want)}`);
  };
  for (const { table } of GROWN_TABLES)
    expect(`${table} rows`, after.tableRows[table] ?? 0, (before.tableRows[table] ?? 0) * factor);
  expect('distinct TraceId in otel_traces', after.traces, before.traces * factor);
  for (const table of DERIVED_TRACE_TABLES)
    expect(
      `distinct TraceId in ${table}`,
      after.derivedTraces[table] ?? 0,
      (before.derivedTraces[table] ?? 0) * factor,
    );
  expect('sum(Calls) in beacon_spend_minutely', after.spendCalls, before.spendCalls * factor);
  if (problems.length > 0) throw new Error(`grown data does not add up: ${problems.join('; ')}`);

  const seconds = (performance.now() - started) / 1000;
  const round1 = (/** @type {number} */ v) => Math.round(v * 10) / 10;
  log(
    `grown to ${fmt(after.spans)} spans (${fmt(after.traces)} traces) in ${fmt(seconds, 1)} s: ` +
      `${fmt(doneRows / insertSeconds)} rows/s copied`,
  );
  return {
    factor,
    copyBase,
    shiftSeconds,
    maxShiftSeconds: shiftSeconds * (factor - 1),
    chunkRows,
    seconds: round1(seconds),
    snapshotSeconds: round1(snapshotSeconds),
    insertSeconds: round1(insertSeconds),
    rowsInserted: doneRows,
    rowsPerSecond: Math.round(doneRows / insertSeconds),
    tables: Object.fromEntries(
      Object.entries(perTable).map(([table, { rows: n, seconds: s }]) => [
        table,
        { rowsInserted: n, seconds: round1(s), rowsPerSecond: Math.round(n / s) },
      ]),
    ),
    before,
    after,
    activeParts: activeParts(session),
  };
}
