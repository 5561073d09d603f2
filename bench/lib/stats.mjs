// Latency statistics. Percentiles interpolate linearly between the two nearest ranks (numpy's default), so p50 is
// the median; every value is rounded to 0.01 (ms or whatever unit the samples are in).

/**
 * @typedef {object} Summary
 * @property {number} count
 * @property {number} min
 * @property {number} max
 * @property {number} mean
 * @property {number} p50
 * @property {number} p95
 * @property {number} p99
 */

const round = (/** @type {number} */ value) => Math.round(value * 100) / 100;

/**
 * The p-th percentile (0..100) of ascending `sorted`.
 * @param {number[]} sorted
 * @param {number} p
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const a = /** @type {number} */ (sorted[lower]);
  const b = /** @type {number} */ (sorted[upper]);
  return a + (b - a) * (rank - lower);
}

/** @param {number[]} values */
export function median(values) {
  return round(
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    ),
  );
}

/**
 * @param {number[]} samples
 * @returns {Summary}
 */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, value) => acc + value, 0);
  return {
    count: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sum / sorted.length),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}

/**
 * Samples taken in rounds (each round a full pass over every measurement, interleaved): the summary over all
 * samples, plus each round's summary and the median across rounds of the per-round p50/p95 — a round disturbed by a
 * background merge moves the pooled p99, not the medians.
 * @param {number[][]} rounds
 */
export function summarizeRounds(rounds) {
  const perRound = rounds.filter((samples) => samples.length > 0).map(summarize);
  return {
    ...summarize(rounds.flat()),
    rounds: perRound.length,
    medianOfRounds: {
      p50: median(perRound.map((s) => s.p50)),
      p95: median(perRound.map((s) => s.p95)),
    },
    perRound: perRound.map(({ count, p50, p95, max }) => ({ count, p50, p95, max })),
  };
}
