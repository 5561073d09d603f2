#!/usr/bin/env node
// The two limits of the machine for the ingest benchmark, measured in a process of their own (run.mjs starts it
// while no collector runs, and reads one JSON line from its stdout):
//
//   decode  — the collector's own protobuf decoder (collector/dist/receivers/decode-protobuf.js: protobufjs and the
//             conversion to Beacon's span model) over the same serialized ExportTraceServiceRequests the OTLP
//             exporters send: spans/s, no storage;
//   process — (diagnostic, not a limit) decode + redact + limits + normalize + enrich + row building + serializing
//             (otel_traces and beacon_genai_spans as Native blocks, the other tables as JSON), i.e. every CPU
//             step of the collector between the socket and the insert;
//   insert  — the same rows (built with collector/dist/exporters/clickhouse/rows.js from enriched spans) inserted
//             straight into a fresh embedded engine (createClickHouse + migrate) as the writer inserts them
//             (otel_traces and beacon_genai_spans through insertNative, the others through insertJsonEachRow),
//             in the writer's batch size and table order: spans/s.
//
// Arguments: one JSON object (see run.mjs). Not meant to be run by hand.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRandom, createTraceGenerator } from '../lib/genai-traces.mjs';
import { buildExportBatches } from '../lib/otel-spans.mjs';
import { COLLECTOR_DIR, REPO_ROOT } from '../lib/paths.mjs';

/** @type {{ seed: number; spans: number; batch: number; insertBatch: number; runs: number; windowStartNs: string; windowEndNs: string; skipInsert?: boolean }} */
const options = JSON.parse(process.argv[2] ?? '{}');

const dist = (/** @type {string} */ file) => pathToFileURL(path.join(COLLECTOR_DIR, 'dist', file)).href;
const { decodeTracesProtobuf } = await import(dist('receivers/decode-protobuf.js'));
const { normalizeSpan } = await import(dist('processors/normalize.js'));
const { enrichSpans } = await import(dist('processors/enrich.js'));
const { createRedactor, DEFAULT_REDACTION_RULES } = await import(dist('processors/redact.js'));
const { emptyLimitStats, limitSpan } = await import(dist('processors/limits.js'));
const { toBatchRows } = await import(dist('exporters/clickhouse/rows.js'));
const { encodeTraceBlocks, TRACE_COLUMN_NAMES } = await import(dist('exporters/clickhouse/trace-columns.js'));
const { encodeGenAIBlocks, GENAI_COLUMN_NAMES } = await import(dist('exporters/clickhouse/genai-columns.js'));
const { RecentMessages } = await import(dist('exporters/clickhouse/messages.js'));
const { createClickHouse, migrate, TABLES } = await import(dist('storage/index.js'));
const requireFromCollector = createRequire(path.join(COLLECTOR_DIR, 'package.json'));
const { createPricer } = /** @type {any} */ (
  await import(pathToFileURL(requireFromCollector.resolve('@beacon/semconv')).href)
);
const requireFromRoot = createRequire(path.join(REPO_ROOT, 'package.json'));
const { ProtobufTraceSerializer } = requireFromRoot('@opentelemetry/otlp-transformer');

const log = (/** @type {string} */ message) => process.stderr.write(`${message}\n`);

// The same spans as the first end-to-end run: same seed, same shaping, same export batches.
const generator = createTraceGenerator({
  seed: options.seed,
  totalSpans: options.spans + 1000,
  windowStartNs: BigInt(options.windowStartNs),
  windowEndNs: BigInt(options.windowEndNs),
});
const shaping = createRandom(options.seed + 1);
const batches = buildExportBatches(generator, shaping, options.spans, options.batch);
// As Buffers, as both receivers hand them to the decoder (protobufjs reads a Buffer's strings natively).
const bodies = batches.map((spans) => {
  const bytes = /** @type {Uint8Array} */ (ProtobufTraceSerializer.serializeRequest(spans));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
});
const totalSpans = batches.reduce((n, b) => n + b.length, 0);
const totalBytes = bodies.reduce((n, b) => n + b.length, 0);
log(
  `limits: ${totalSpans} spans in ${bodies.length} requests, ${Math.round(totalBytes / totalSpans)} bytes/span`,
);

/** @param {() => void} fn */
function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

// ---- decode only
const decodeRuns = [];
timed(() => {
  for (const body of bodies.slice(0, 20)) decodeTracesProtobuf(body);
}); // warm-up
for (let run = 0; run < options.runs; run++) {
  let spans = 0;
  const t = timed(() => {
    for (const body of bodies) spans += decodeTracesProtobuf(body).spans.length;
  });
  decodeRuns.push({ spans, ...t, spansPerSecond: spans / t.seconds });
  log(
    `decode run ${run + 1}: ${Math.round(spans / t.seconds)} spans/s, ${Math.round((t.cpuSeconds / spans) * 1e6)} CPU µs/span`,
  );
}

// ---- everything the collector does on the CPU before the insert (diagnostic)
const pricer = createPricer({});
const redactor = createRedactor(DEFAULT_REDACTION_RULES);
const spanLimits = { maxAttributesPerSpan: 256, maxAttributeValueChars: 256 * 1024 };
/** Wall ms per stage of the last process run (the collector's order), for the report's breakdown. */
/** @type {Record<string, number>} */
let stageMs = {};
/** @template T @param {string} stage @param {() => T} fn @returns {T} */
function stage(stage, fn) {
  const t0 = performance.now();
  const out = fn();
  stageMs[stage] = (stageMs[stage] ?? 0) + performance.now() - t0;
  return out;
}
/** @param {Uint8Array} body */
function processBody(body) {
  const decoded = stage('decode', () => decodeTracesProtobuf(body).spans);
  const stats = emptyLimitStats();
  const spans = stage('redact', () => decoded.map((/** @type {any} */ span) => redactor.redactSpan(span)));
  const limited = stage('limits', () =>
    spans.map((/** @type {any} */ span) => limitSpan(span, spanLimits, stats)),
  );
  const facts = stage('normalize', () => limited.map(normalizeSpan));
  return { enriched: stage('enrich', () => enrichSpans(limited, facts, pricer)) };
}
const processRuns = [];
for (let run = 0; run < options.runs; run++) {
  let spans = 0;
  stageMs = {};
  const recent = new RecentMessages(100_000);
  const t = timed(() => {
    for (const body of bodies) {
      const { enriched } = processBody(body);
      const rows = stage('rows', () => toBatchRows(enriched, recent));
      for (const m of rows.messages) recent.remember(m.row.Hash, m.day);
      // The writer's serialization: otel_traces and beacon_genai_spans as Native, the others as JSONEachRow.
      stage('serialize', () => {
        encodeTraceBlocks(rows.traces);
        encodeGenAIBlocks(rows.genai);
        for (const m of rows.messages) JSON.stringify(m.row);
      });
      spans += enriched.length;
    }
  });
  processRuns.push({
    spans,
    ...t,
    spansPerSecond: spans / t.seconds,
    /** µs per span in each stage (wall, this process only: GC lands on whichever stage triggers it). */
    stageUsPerSpan: Object.fromEntries(
      Object.entries(stageMs).map(([name, ms]) => [name, Math.round((ms * 1000 * 10) / spans) / 10]),
    ),
  });
  log(
    `process run ${run + 1}: ${Math.round(spans / t.seconds)} spans/s, ${Math.round((t.cpuSeconds / spans) * 1e6)} CPU µs/span`,
  );
}

// ---- insert only
/** @type {any[]} */
const insertRuns = [];
if (!options.skipInsert) {
  const enriched = bodies.flatMap((body) => processBody(body).enriched);
  const recent = new RecentMessages(100_000);
  /** @type {{ spans: number; rows: any }[]} */
  const rowBatches = [];
  for (let i = 0; i < enriched.length; i += options.insertBatch) {
    const spans = enriched.slice(i, i + options.insertBatch);
    const rows = toBatchRows(spans, recent);
    for (const m of rows.messages) recent.remember(m.row.Hash, m.day);
    rowBatches.push({ spans: spans.length, rows });
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'beacon-bench-insert-'));
  const storage = await createClickHouse({ database: 'beacon', dataDir });
  try {
    await migrate(storage.client, { database: 'beacon', retentionDays: 3650 });
    const tables = [
      ['messages', TABLES.messages],
      ['traces', TABLES.traces],
      ['genai', TABLES.genaiSpans],
      ['failures', TABLES.spanFailures],
    ];
    for (let run = 0; run < options.runs; run++) {
      let spans = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (const batch of rowBatches) {
        for (const [key, table] of tables) {
          const values =
            key === 'messages' ? batch.rows.messages.map((/** @type {any} */ m) => m.row) : batch.rows[key];
          if (values.length === 0) continue;
          if (key === 'traces')
            await storage.insertNative('beacon', table, TRACE_COLUMN_NAMES, encodeTraceBlocks(values));
          else if (key === 'genai')
            await storage.insertNative('beacon', table, GENAI_COLUMN_NAMES, encodeGenAIBlocks(values));
          else await storage.insertJsonEachRow('beacon', table, values);
        }
        spans += batch.spans;
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      insertRuns.push({
        spans,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        spansPerSecond: spans / seconds,
      });
      log(`insert run ${run + 1}: ${Math.round(spans / seconds)} spans/s`);
    }
  } finally {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

process.stdout.write(
  `${JSON.stringify({
    spans: totalSpans,
    requests: bodies.length,
    bytesPerSpan: Math.round(totalBytes / totalSpans),
    decode: decodeRuns,
    process: processRuns,
    insert: insertRuns,
  })}\n`,
);
// chDB may keep background threads alive.
process.exit(0);
