// What a run prints and writes: the profile table, the summary and the README section.
import { machineInfo, sourceInfo } from '../lib/machine.mjs';
import { fmt, formatTable } from '../lib/results.mjs';
import { median } from '../lib/stats.mjs';
import { NAME, TARGETS } from './options.mjs';

/** @param {any} profile */
export function profileTable(profile) {
  return formatTable(
    ['function', 'self ms', 'self %', 'where'],
    profile.top.map((/** @type {any} */ f) => [f.functionName, f.selfMs, f.selfPercent, f.location]),
  );
}

/** @param {{ median: number; min: number; max: number } | undefined} s */
export const range = (s, digits = 0) =>
  s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '—';

/** @param {any} result */
export function summaryText(result) {
  const rows = [];
  const limits = result.limits;
  if (limits) {
    const cpu = (/** @type {any} */ l) => (l?.cpuUsPerSpan ? fmt(l.cpuUsPerSpan) : '');
    rows.push([
      'decode-only limit',
      range(limits.decode?.spansPerSecond),
      '',
      '',
      '',
      cpu(limits.decode),
      '',
      '',
    ]);
    rows.push([
      'insert-only limit',
      range(limits.insert?.spansPerSecond),
      '',
      '',
      '',
      cpu(limits.insert),
      '',
      '',
    ]);
    rows.push([
      '(decode → rows, 1 core)',
      range(limits.process?.spansPerSecond),
      '',
      '',
      '',
      cpu(limits.process),
      '',
      '',
    ]);
  }
  for (const p of result.protocols) {
    const v = result.verdicts.find((/** @type {any} */ x) => x.label === p.label);
    if (p.fixedRate) {
      rows.push([
        `${p.label} @ ${fmt(p.fixedRate.rate)}/s`,
        range(p.fixedRate.offeredSpansPerSecond),
        range(p.fixedRate.ackP50Ms, 1),
        range(p.fixedRate.ackP99Ms, 1),
        range(p.fixedRate.collectorCores, 2),
        '',
        range(p.fixedRate.peakRssMiB),
        v.meetsAckP99 ? 'ok' : 'MISS (ack p99)',
      ]);
    }
    if (p.saturation) {
      const share = v.ofSlowerLimit === null ? '' : `, ${Math.round(v.ofSlowerLimit * 100)}% of min(limits)`;
      rows.push([
        `${p.label} saturation`,
        range(p.saturation.storedSpansPerSecond),
        range(p.saturation.ackP50Ms, 1),
        range(p.saturation.ackP99Ms, 1),
        range(p.saturation.collectorCores, 2),
        range(p.saturation.collectorCpuSecondsPerMillionSpans),
        range(p.saturation.peakRssMiB),
        [
          v.meetsThroughput ? 'ok' : `MISS (${fmt(TARGETS.storedSpansPerSecond / 1000)}k/s)`,
          v.meetsCpuPerSpan === false ? `MISS (${TARGETS.cpuUsPerSpan} µs/span)` : '',
          v.meetsShareOfLimit === false ? `MISS (${TARGETS.ofSlowerLimit * 100}% of limit)` : '',
          v.meetsRss === false ? 'MISS (RSS)' : '',
        ]
          .filter(Boolean)
          .join(', ') + share,
      ]);
    }
  }
  const m = machineInfo();
  return [
    `${NAME}: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; ${result.parameters.runs} runs each, ` +
      `median (min–max); ${fmt(result.parameters.spansPerExport)} spans per export call` +
      `${result.parameters.bytesPerSpan ? `, ~${fmt(result.parameters.bytesPerSpan)} B/span` : ''}` +
      `; saturation ${fmt(result.parameters.spansPerSaturationRun)} spans × ${result.parameters.concurrency} in flight`,
    '',
    formatTable(
      [
        'measurement',
        'spans/s',
        'ack p50 ms',
        'ack p99 ms',
        'collector cores',
        'CPU µs/span',
        'peak RSS MiB',
        '',
      ],
      rows,
    ),
    ...(limits?.process?.stageUsPerSpan
      ? [
          '',
          `decode → rows, µs per span on one core (${limits.process.cpuUsPerSpan} µs CPU in all): ` +
            Object.entries(limits.process.stageUsPerSpan)
              .map(([name, us]) => `${name} ${us}`)
              .join(', '),
        ]
      : []),
  ].join('\n');
}

/** @param {any} result */
export function readmeSection(result) {
  const source = sourceInfo();
  const revision = source.commit
    ? `${source.commit.slice(0, 7)}${source.dirty ? ' + uncommitted changes' : ''}`
    : 'unknown';
  return [
    `${result.startedAt.slice(0, 10)}, revision ${revision}. Targets: ≥ ${fmt(TARGETS.storedSpansPerSecond)} spans/s stored, ` +
      `≤ ${TARGETS.cpuUsPerSpan} µs of collector CPU per span, ≥ ${TARGETS.ofSlowerLimit * 100}% of min(decode, insert), ` +
      `ack p99 ≤ ${TARGETS.ackP99Ms} ms at half the saturation rate, RSS ≤ ${TARGETS.rssMiB} MiB.`,
    '',
    summaryText(result),
  ].join('\n');
}
