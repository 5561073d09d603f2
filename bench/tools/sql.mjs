#!/usr/bin/env node
import { createRequire } from 'node:module';
// Runs SQL against the data a benchmark kept (--work-dir or --keep-data), to find out why a query is slow:
//
//   node bench/tools/sql.mjs --work-dir /tmp/bq "EXPLAIN indexes = 1 SELECT ... FROM beacon.otel_traces WHERE ..."
//   node bench/tools/sql.mjs --work-dir /tmp/bq "SELECT table, count() FROM system.parts WHERE active GROUP BY table"
//
// Opens <work-dir>/chdb with the embedded engine in this process, so the collector must not be running on it (the
// benchmark's lock file says so). Tables live in database `beacon`, which is the current database here.
import path from 'node:path';
import { parseFlags } from '../lib/args.mjs';
import { openWorkDir } from '../lib/collector.mjs';
import { COLLECTOR_DIR } from '../lib/paths.mjs';

const flags = parseFlags({
  name: 'bench/tools/sql',
  description: 'run SQL on a kept benchmark data directory (collector stopped); SQL as the last argument',
  flags: {
    'work-dir': { type: 'string', help: 'benchmark work directory (holds chdb/)' },
    format: { type: 'string', default: 'PrettyCompactMonoBlock', help: 'ClickHouse output format' },
  },
  argv: process.argv.slice(2, -1),
});
const sql = process.argv.at(-1);
if (!flags['work-dir'] || !sql || sql.startsWith('--')) {
  console.error('usage: node bench/tools/sql.mjs --work-dir DIR "SQL"');
  process.exit(2);
}

const work = await openWorkDir(flags['work-dir'], 'unused');
try {
  const { Session } = createRequire(path.join(COLLECTOR_DIR, 'package.json'))('chdb');
  const session = new Session(work.dataDir);
  try {
    session.query('USE beacon');
    process.stdout.write(session.query(sql, flags.format));
  } finally {
    session.cleanup?.();
  }
} finally {
  await work.release();
}
