// Command-line flags for benchmark scripts: node:util parseArgs plus defaults, number coercion and --help.
import { parseArgs as nodeParseArgs } from 'node:util';

/**
 * @typedef {object} FlagSpec
 * @property {'string' | 'number' | 'boolean'} type
 * @property {string | number | boolean} [default]
 * @property {string} help
 */

/**
 * Parses `argv` against `spec`. `--help` prints the usage and exits. Number flags accept `1e6`, `1_000_000`
 * and `1000000`.
 * @param {{ name: string; description: string; flags: Record<string, FlagSpec>; argv?: string[] }} options
 * @returns {Record<string, any>}
 */
export function parseFlags({ name, description, flags, argv = process.argv.slice(2) }) {
  /** @type {Record<string, { type: 'string' | 'boolean' }>} */
  const options = { help: { type: 'boolean' } };
  for (const [flag, spec] of Object.entries(flags)) {
    options[flag] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  }
  let parsed;
  try {
    parsed = nodeParseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    console.error(`${name}: ${/** @type {Error} */ (err).message} (see --help)`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(`${name} — ${description}\n\nFlags:`);
    for (const [flag, spec] of Object.entries(flags)) {
      const fallback = spec.default === undefined ? '' : ` (default: ${spec.default})`;
      const value = spec.type === 'boolean' ? '' : ` <${spec.type}>`;
      console.log(`${`  --${flag}${value}`.padEnd(30)} ${spec.help}${fallback}`);
    }
    process.exit(0);
  }
  /** @type {Record<string, any>} */
  const out = {};
  for (const [flag, spec] of Object.entries(flags)) {
    const raw = parsed[flag];
    if (raw === undefined) {
      out[flag] = spec.default;
      continue;
    }
    if (spec.type === 'number') {
      const value = Number(String(raw).replaceAll('_', ''));
      if (!Number.isFinite(value)) {
        console.error(`${name}: --${flag} expects a number, got ${JSON.stringify(raw)}`);
        process.exit(2);
      }
      out[flag] = value;
    } else {
      out[flag] = raw;
    }
  }
  return out;
}
