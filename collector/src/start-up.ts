// What the collector reads before it wires anything: the price overrides, redaction rules and API key files, the
// spool, its own version. A bad explicit setting stops start-up with a ConfigError.
import { readFile } from 'node:fs/promises';
import nodePath from 'node:path';
import { type PriceOverrides, parsePriceOverrides } from '@beacon/semconv';
import { ApiKeyStore, type Authenticator, authDisabled, createKeyAuthenticator } from './auth/index.js';
import { apiKeysFilePath, type CollectorConfig, ConfigError } from './config.js';
import { type RecoveredSpool, Spool, SpoolInUseError } from './exporters/clickhouse/spool/index.js';
import type { Logger } from './logger.js';
import { DEFAULT_REDACTION_RULES, parseRedactionRules, type RedactionRule } from './processors/redact.js';

export async function loadPriceOverrides(path: string | undefined): Promise<PriceOverrides | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read BEACON_PRICE_OVERRIDES_FILE ${path}: ${(err as Error).message}`);
  }
  try {
    return parsePriceOverrides(JSON.parse(text));
  } catch (err) {
    throw new ConfigError(`invalid BEACON_PRICE_OVERRIDES_FILE ${path}: ${(err as Error).message}`);
  }
}

/** Built-in rules (unless BEACON_REDACTION=off) plus BEACON_REDACTION_RULES_FILE's; a bad file stops start-up. */
export async function loadRedactionRules(config: CollectorConfig): Promise<RedactionRule[]> {
  const rules = config.redaction === 'default' ? [...DEFAULT_REDACTION_RULES] : [];
  const path = config.redactionRulesFile;
  if (!path) return rules;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read BEACON_REDACTION_RULES_FILE ${path}: ${(err as Error).message}`);
  }
  try {
    return [...rules, ...parseRedactionRules(JSON.parse(text))];
  } catch (err) {
    throw new ConfigError(`invalid BEACON_REDACTION_RULES_FILE ${path}: ${(err as Error).message}`);
  }
}

/**
 * The spool at BEACON_SPOOL_DIR, or <data dir>/spool by default. On by default because acknowledged spans surviving
 * a crash is what users expect; an unwritable default directory only warns (in-memory queue as before), an
 * explicitly set one stops start-up.
 */
export function openSpool(
  config: CollectorConfig,
  logger: Logger,
): { spool?: Spool; recovered?: RecoveredSpool } {
  if (config.spoolDir === 'off') return {};
  const dir = config.spoolDir ?? nodePath.join(config.dataDir, 'spool');
  const spoolLogger = logger.child({ component: 'spool' });
  try {
    return Spool.open({ dir, maxBytes: config.spoolMaxBytes, fsync: config.spoolFsync, logger: spoolLogger });
  } catch (err) {
    // Never fall back to memory beside a live owner: its batches are its to replay.
    if (config.spoolDir || err instanceof SpoolInUseError)
      throw new ConfigError(`cannot use BEACON_SPOOL_DIR ${dir}: ${(err as Error).message}`);
    spoolLogger.warn(
      { err, dir },
      'spool directory not writable: accepted spans are held in memory only (set BEACON_SPOOL_DIR)',
    );
    return {};
  }
}

/**
 * BEACON_AUTH=on: keys from the key file (re-read when it changes). An unreadable file stops start-up; an empty one
 * is allowed (keys may be created while the collector runs) but warned about, since every request is refused.
 */
export function createAuthenticator(config: CollectorConfig, logger: Logger): Authenticator {
  if (config.auth === 'off') return authDisabled;
  const file = apiKeysFilePath(config);
  let store: ApiKeyStore;
  try {
    store = new ApiKeyStore({ file, logger: logger.child({ component: 'auth' }) });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (store.activeKeys === 0)
    logger.warn(
      { file },
      'BEACON_AUTH=on but no API key exists yet: every request gets 401 until one is created (beacon-collector keys create)',
    );
  else logger.info({ file, keys: store.activeKeys }, 'API key auth on');
  return createKeyAuthenticator({ store, defaultRatePerSecond: config.authRateLimit });
}

/** The collector's version (its package.json), for beacon_build_info. */
export async function collectorVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
