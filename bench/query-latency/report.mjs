// What a run prints and writes: per-scale tables, the summary, and the README section.
import { machineInfo, sourceInfo } from '../lib/machine.mjs';
import { log } from '../lib/progress.mjs';
import { fmt, formatTable } from '../lib/results.mjs';
import { NAME, TARGET_NOTE } from './options.mjs';

/** @param {number | null} value */
export const share = (value) => (value === null ? 'n/a' : `${Math.round(value * 100)}%`);

/** @param {any[]} queries */
export function queryTable(queries) {
  const rows = queries.map((/** @type {any} */ q) => {
    if (!q.measured) return [q.name, '—', '—', '—', '—', '—', '—', 'not measured'];
    const l = q.latencyMs;
    const verdict = q.meetsTarget === null ? '' : q.meetsTarget ? 'ok' : 'SLOW';
    const notes = [
      verdict,
      q.errors ? `${q.errors} errors` : '',
      q.mismatches ? `${q.mismatches} mismatches` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [q.name, l.count, l.p50, l.p95, l.p99, l.max, l.medianOfRounds.p95, notes];
  });
  return formatTable(['query', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p95 med/rounds', ''], rows);
}

/** @param {any} ingest */
export function ingestLine(ingest) {
  return (
    `${fmt(ingest.acceptedSpansPerSecond)} spans/s accepted (${ingest.acceptedSeconds} s), ` +
    `${fmt(ingest.storedSpansPerSecond)} spans/s stored (${ingest.storedSeconds} s); ` +
    `429 retries ${fmt(ingest.retries.http429)}; collector ${ingest.collectorCpuSecondsPerMillionSpans} CPU-s per 1M spans; ` +
    `other processes used ${share(ingest.cpu.otherCpuShare)} of the CPU`
  );
}

/** @param {any} scale */
export function growLine(scale) {
  const g = scale.grow;
  return (
    `× ${g.factor} in ${fmt(scale.growSeconds, 1)} s: ${fmt(g.rowsInserted)} rows copied at ${fmt(g.rowsPerSecond)} rows/s ` +
    `(${fmt(g.spansPerSecond)} spans/s overall), copy c shifted c × ${g.shiftSeconds} s earlier`
  );
}

/** @param {any} scale */
export function scaleTitle(scale) {
  const how =
    scale.grownBy === 'otlp'
      ? 'ingested over OTLP/HTTP'
      : scale.grow
        ? `grown from ${fmt(scale.spans / scale.grow.factor)} with SQL copies`
        : 'grown with SQL copies';
  return (
    `${fmt(scale.spans)} spans in ${fmt(scale.traces)} traces (${fmt(scale.errorTraces)} with errors), ${how}` +
    `${scale.reusedData ? ' (reused data)' : ''}, ${fmt(scale.dataDirMiB)} MiB on disk, settled ${scale.settleSeconds} s`
  );
}

/** @param {any} scale */
export function verdictLine(scale) {
  const { list, detail } = scale.verdicts;
  const verdict = (/** @type {boolean} */ ok) => (ok ? 'ok' : 'MISS');
  return (
    `${fmt(scale.spans)} spans: list p95 ≤ ${list.targetMs} ms ${verdict(list.meets)} ` +
    `(slowest ${list.worstQuery ?? '—'} ${list.worstP95Ms ?? '—'} ms); ` +
    `detail p95 ≤ ${detail.targetMs} ms ${verdict(detail.meets)} (${detail.p95Ms ?? '—'} ms)`
  );
}

/** One scale as soon as it is measured (the whole summary follows at the end). @param {any} scale */
export function printScale(scale) {
  log(`\n${scaleTitle(scale)}\n${queryTable(scale.queries)}\n${verdictLine(scale)}`);
}

/** @param {any} result */
export function printSummary(result) {
  console.log(`\n${NAME}`);
  if (result.ingest) console.log(`ingest: ${ingestLine(result.ingest)}`);
  for (const scale of result.scales) {
    console.log(`\n${scaleTitle(scale)}`);
    if (scale.grow) console.log(`grown ${growLine(scale)}`);
    console.log(queryTable(scale.queries));
    console.log(
      `other processes used ${share(scale.queryPhaseCpu.otherCpuShare)} of the CPU while querying; ` +
        `collector RSS ${fmt(scale.collectorAfterQueries.rssMiB)} MiB after`,
    );
    for (const q of scale.queries) {
      if (q.firstError) console.log(`  ${q.name}: first error: ${q.firstError}`);
      if (q.firstMismatch) console.log(`  ${q.name}: first mismatch: ${q.firstMismatch}`);
    }
  }
  console.log(`\ntargets (${TARGET_NOTE}):`);
  for (const scale of result.scales) console.log(`  ${verdictLine(scale)}`);
}

/**
 * The README's "latest results" section.
 * @param {any} result
 * @param {ReturnType<typeof machineInfo>} machine
 * @param {ReturnType<typeof sourceInfo>} source
 */
export function readmeSection(result, machine, source) {
  const date = result.startedAt.slice(0, 10);
  const revision = source.commit
    ? `${source.commit.slice(0, 7)}${source.dirty ? ' + uncommitted changes' : ''}`
    : 'unknown';
  const { targets } = result.parameters;
  const lines = [
    `${date}, ${machine.cpuModel} × ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `revision ${revision}. Traces over ${result.parameters.windowHours} h; ` +
      `${result.parameters.requestsPerQuery} timed requests per query in ${result.parameters.rounds} rounds. ` +
      `Targets (stated for 10M spans, applied at every scale): every list p95 ≤ ${targets.listP95Ms} ms, ` +
      `detail p95 ≤ ${targets.detailP95Ms} ms.`,
  ];
  for (const scale of result.scales) {
    lines.push(
      '',
      `**${scaleTitle(scale)}.**${scale.grow ? ` Grown ${growLine(scale)}.` : ''} ` +
        `Other processes used ${share(scale.queryPhaseCpu.otherCpuShare)} of the machine's CPU while querying.`,
      '',
      queryTable(scale.queries),
    );
  }
  lines.push('', ...result.scales.map((/** @type {any} */ scale) => `- ${verdictLine(scale)}`));
  if (result.ingest) {
    lines.push(
      '',
      `Ingest of the first scale (OTLP/HTTP ${result.ingest.encoding}, ${fmt(result.ingest.spansPerRequest)} spans per request, ` +
        `${result.ingest.concurrency} in flight): ${ingestLine(result.ingest)}.`,
    );
  }
  return lines.join('\n');
}
