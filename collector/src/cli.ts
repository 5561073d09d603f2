#!/usr/bin/env node
// `beacon-collector start [flags]`: flags mirror the BEACON_* environment variables (see --help).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { generateApiKey, readKeyFile, SCOPES, type Scope, writeKeyFile } from './auth/index.js';
import { apiKeysFilePath, ConfigError, loadConfig, SETTINGS, type SettingName } from './config.js';
import { startCollector } from './index.js';
import { DEFAULT_TENANT, TENANT_ID_PATTERN } from './model.js';

const program = new Command('beacon-collector').description('Beacon: OTLP collector for AI agent telemetry');

const start = program
  .command('start', { isDefault: true })
  .description('run the collector (OTLP gRPC + HTTP receivers, ClickHouse writer, API)');
for (const setting of Object.values(SETTINGS)) {
  const fallback = setting.default === undefined ? '' : ` (default: ${setting.default})`;
  start.option(setting.flag, `${setting.help} [env ${setting.env}]${fallback}`);
}

start.action(async (flags: Partial<Record<SettingName, string>>) => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`beacon-collector: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }

  let collector: Awaited<ReturnType<typeof startCollector>>;
  try {
    collector = await startCollector(config);
  } catch (err) {
    console.error(`beacon-collector: ${err instanceof ConfigError ? err.message : (err as Error).stack}`);
    process.exit(1);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      collector.logger.warn({ signal }, 'second signal: exiting without waiting for the flush');
      process.exit(1);
    }
    collector.logger.info({ signal }, 'received signal, shutting down gracefully');
    collector.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        collector.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
});

// `beacon-collector keys …`: API keys in the key file (BEACON_API_KEYS_FILE or <data dir>/api-keys.json). Works with
// the collector stopped or running: a running collector re-reads the file within a second.
const keys = program
  .command('keys')
  .description('create, list and revoke API keys (used when BEACON_AUTH=on)')
  .option('--api-keys-file <path>', `${SETTINGS.apiKeysFile.help} [env ${SETTINGS.apiKeysFile.env}]`)
  .option('--data-dir <path>', `${SETTINGS.dataDir.help} [env ${SETTINGS.dataDir.env}]`);

function keyFileOf(): string {
  const flags = keys.opts<{ apiKeysFile?: string; dataDir?: string }>();
  try {
    return apiKeysFilePath(loadConfig(flags));
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

function fail(message: string): never {
  console.error(`beacon-collector: ${message}`);
  process.exit(2);
}

function parseScopes(value: string): Scope[] {
  const scopes = value.split(',').map((scope) => scope.trim());
  for (const scope of scopes) {
    if (!(SCOPES as readonly string[]).includes(scope))
      throw new InvalidArgumentError(`unknown scope "${scope}" (scopes: ${SCOPES.join(', ')})`);
  }
  return [...new Set(scopes as Scope[])];
}

function parseTenant(value: string): string {
  if (!TENANT_ID_PATTERN.test(value))
    throw new InvalidArgumentError(
      'expected lowercase letters, digits and _, starting with a letter (at most 32)',
    );
  return value;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isSafeInteger(rate) || rate <= 0) throw new InvalidArgumentError('expected a positive integer');
  return rate;
}

function readKeys(file: string) {
  try {
    return readKeyFile(file);
  } catch (err) {
    fail((err as Error).message);
  }
}

keys
  .command('create')
  .description('create a key and print it once (only its hash is kept)')
  .option('--tenant <id>', 'tenant the key reads and writes', parseTenant, DEFAULT_TENANT)
  .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, parseScopes, ['ingest'] as Scope[])
  .option('--name <text>', 'what the key is for (shown by keys list)', '')
  .option('--rate-limit <requests/s>', 'own rate limit instead of BEACON_AUTH_RATE_LIMIT', parseRate)
  .option('--json', 'print {id, key, tenant, scopes} as JSON')
  .action(
    (options: { tenant: string; scopes: Scope[]; name: string; rateLimit?: number; json?: boolean }) => {
      const file = keyFileOf();
      const content = readKeys(file);
      const { id, key, hash } = generateApiKey();
      content.keys.push({
        id,
        name: options.name,
        tenant: options.tenant,
        scopes: options.scopes,
        hash,
        createdAt: new Date().toISOString(),
        revokedAt: null,
        rateLimitPerSecond: options.rateLimit ?? null,
      });
      mkdirSync(path.dirname(file), { recursive: true });
      writeKeyFile(file, content);
      if (options.json) {
        console.log(JSON.stringify({ id, key, tenant: options.tenant, scopes: options.scopes }));
        return;
      }
      console.log(key);
      console.error(
        `created key ${id} for tenant ${options.tenant} (${options.scopes.join(', ')}) in ${file}; it is shown only now`,
      );
    },
  );

keys
  .command('list')
  .description('list keys (ids, tenants, scopes; never the keys)')
  .option('--json', 'print the records as JSON')
  .action((options: { json?: boolean }) => {
    const file = keyFileOf();
    const records = readKeys(file).keys.map(({ hash: _hash, ...record }) => record);
    if (options.json) {
      console.log(JSON.stringify(records, null, 2));
      return;
    }
    if (records.length === 0) {
      console.log(`no API keys in ${file}`);
      return;
    }
    for (const key of records) {
      const state = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
      const rate = key.rateLimitPerSecond ? `, ${key.rateLimitPerSecond} req/s` : '';
      console.log(
        `${key.id}  tenant=${key.tenant}  scopes=${key.scopes.join(',')}  ${state}${rate}  ${key.name}`.trimEnd(),
      );
    }
  });

keys
  .command('revoke <id>')
  .description('revoke a key: a running collector refuses it (401) within a second')
  .action((id: string) => {
    const file = keyFileOf();
    const content = readKeys(file);
    const key = content.keys.find((record) => record.id === id);
    if (!key) fail(`no API key ${id} in ${file}`);
    if (key.revokedAt) {
      console.error(`key ${id} was already revoked at ${key.revokedAt}`);
      return;
    }
    key.revokedAt = new Date().toISOString();
    writeKeyFile(file, content);
    console.error(`revoked key ${id} (tenant ${key.tenant})`);
  });

// `beacon-collector mcp`: an MCP server on stdin/stdout (for Claude Desktop, IDEs, agents) answering from a running
// collector's query API with the given key. stdout carries the protocol: messages go to stderr.
program
  .command('mcp')
  .description('MCP server on stdio: read-only tools over a running collector (query API + API key)')
  .option(
    '--url <url>',
    'collector API base URL [env BEACON_URL]',
    process.env.BEACON_URL || 'http://127.0.0.1:4320',
  )
  .option('--api-key <key>', 'API key with the read scope [env BEACON_API_KEY, preferred: flags show in ps]')
  .option(
    '--prometheus-url <url>',
    'Prometheus whose firing alerts get_alerts adds [env BEACON_PROMETHEUS_URL]',
  )
  .action(async (options: { url: string; apiKey?: string; prometheusUrl?: string }) => {
    const httpUrl = (name: string, value: string | undefined) => {
      if (!value) return undefined;
      let url: URL | undefined;
      try {
        url = new URL(value);
      } catch {}
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        fail(`${name}: expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
      return value;
    };
    const { runStdioMcpServer } = await import('./mcp/stdio.js');
    await runStdioMcpServer({
      url: httpUrl('--url', options.url)!,
      apiKey: options.apiKey || process.env.BEACON_API_KEY || undefined,
      prometheusUrl: httpUrl('--prometheus-url', options.prometheusUrl || process.env.BEACON_PROMETHEUS_URL),
    });
  });

await program.parseAsync(process.argv);
