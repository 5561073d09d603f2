// Progress of a long phase on stderr: done / total, rate and ETA. Redraws one line on a terminal; elsewhere (CI,
// redirected output) prints a line every few seconds.
import { fmt } from './results.mjs';

/**
 * @param {{ label: string; total: number; unit: string; intervalMs?: number }} options
 */
export function createProgress({ label, total, unit, intervalMs }) {
  const tty = process.stderr.isTTY === true;
  const every = intervalMs ?? (tty ? 250 : 5000);
  const started = performance.now();
  let lastPrint = 0;
  let done = 0;

  const render = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const pct = total > 0 ? (100 * done) / total : 100;
    const eta = rate > 0 && done < total ? ` ETA ${fmt((total - done) / rate)} s` : '';
    return `${label}: ${fmt(done)} / ${fmt(total)} ${unit} (${fmt(pct, 1)}%) ${fmt(rate)} ${unit}/s, ${fmt(seconds, 1)} s${eta}`;
  };

  return {
    /** @param {number} value cumulative count */
    update(value) {
      done = value;
      const now = performance.now();
      if (now - lastPrint < every) return;
      lastPrint = now;
      if (tty) process.stderr.write(`\r\x1b[2K${render()}`);
      else process.stderr.write(`${render()}\n`);
    },
    finish() {
      if (tty) process.stderr.write(`\r\x1b[2K${render()}\n`);
      else process.stderr.write(`${render()}\n`);
    },
  };
}

/** @param {string} message */
export function log(message) {
  process.stderr.write(`${message}\n`);
}
