// Preloaded into a collector child (NODE_OPTIONS=--import <this file>) by the chaos tests: while the file named by
// BEACON_TEST_CLICKHOUSE_FAULT_FILE exists, every ClickHouse request of the process fails the way a lost connection
// to a ClickHouse server does (ECONNREFUSED after a short delay). It patches the client class that
// @clickhouse/client's createClient() instantiates, and the embedded engine's Session.insert (the writer's raw
// inserts, storage/client.ts), so the collector's own objects are affected and the product code is unchanged. The database is never mocked: once the file is gone, requests reach the real engine again.
// Plain .mjs so the child loads it without a build; the env var is read here only, never by product code.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const faultFile = process.env.BEACON_TEST_CLICKHOUSE_FAULT_FILE;
/** Roughly what a refused TCP connect costs, and keeps a retry loop from spinning. */
const FAULT_DELAY_MS = 20;
const METHODS = ['query', 'insert', 'command', 'exec', 'ping'];

if (faultFile) {
  // Resolved from the collector package, so this is the same module instance (require cache) the collector imports.
  const require = createRequire(new URL('../../package.json', import.meta.url));
  const { createClient } = require('@clickhouse/client');
  // createClient() builds the client directly (no connection is opened until the first request); its prototype
  // chain holds the request methods, whichever internal class declares them.
  const probe = createClient({ url: 'http://127.0.0.1:1' });
  const { Session } = require('chdb');
  const targets = [
    ...METHODS.map((method) => ({ what: '@clickhouse/client client', object: probe, method })),
    { what: 'chdb Session', object: Session.prototype, method: 'insert' },
  ];
  let patched = 0;
  for (const { what, object, method } of targets) {
    let owner = object === probe ? Object.getPrototypeOf(probe) : object;
    while (owner && !Object.hasOwn(owner, method)) owner = Object.getPrototypeOf(owner);
    if (!owner) throw new Error(`clickhouse-faults: no ${method}() on the ${what}`);
    const original = owner[method];
    owner[method] = function faultable(...args) {
      if (!existsSync(faultFile)) return original.apply(this, args);
      return new Promise((_resolve, reject) =>
        setTimeout(() => {
          const err = new Error('connect ECONNREFUSED 127.0.0.1:8123');
          Object.assign(err, {
            code: 'ECONNREFUSED',
            errno: -111,
            syscall: 'connect',
            address: '127.0.0.1',
            port: 8123,
          });
          reject(err);
        }, FAULT_DELAY_MS),
      );
    };
    patched += 1;
  }
  void probe.close();
  process.stderr.write(`clickhouse-faults: ${patched} client methods fail while ${faultFile} exists\n`);
}
