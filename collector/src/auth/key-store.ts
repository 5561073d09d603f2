// The collector's view of the API key file: keys by hash, re-read when the file changes (checked at most once per
// interval, on the request path), so a key created or revoked by the CLI takes effect without a restart.
import { statSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { type ApiKeyRecord, hashApiKey, looksLikeApiKey } from './api-keys.js';
import { readKeyFile } from './key-file.js';

export interface ApiKeyStoreOptions {
  file: string;
  logger: Logger;
  /** How stale the view may get. Default 1000 ms. */
  reloadIntervalMs?: number;
  now?: () => number;
}

export class ApiKeyStore {
  readonly #file: string;
  readonly #logger: Logger;
  readonly #reloadIntervalMs: number;
  readonly #now: () => number;
  #byHash = new Map<string, ApiKeyRecord>();
  #checkedAt = Number.NEGATIVE_INFINITY;
  /** mtime + size of the file last read; '' = missing. */
  #version: string | null = null;

  constructor(options: ApiKeyStoreOptions) {
    this.#file = options.file;
    this.#logger = options.logger;
    this.#reloadIntervalMs = options.reloadIntervalMs ?? 1000;
    this.#now = options.now ?? Date.now;
    // At start-up an unreadable file is an error the operator must see at once, not a wall of 401s.
    this.#load(true);
  }

  /** Active (unrevoked) keys, for the start-up log. */
  get activeKeys(): number {
    let count = 0;
    for (const key of this.#byHash.values()) if (key.revokedAt === null) count++;
    return count;
  }

  /** The active key a client sent, or null (unknown, malformed or revoked). */
  find(key: string): ApiKeyRecord | null {
    if (!looksLikeApiKey(key)) return null;
    this.#refresh();
    const record = this.#byHash.get(hashApiKey(key));
    return record && record.revokedAt === null ? record : null;
  }

  #refresh(): void {
    const now = this.#now();
    if (now - this.#checkedAt < this.#reloadIntervalMs) return;
    this.#checkedAt = now;
    this.#load(false);
  }

  #load(strict: boolean): void {
    let version = '';
    try {
      const stat = statSync(this.#file);
      version = `${stat.mtimeMs}/${stat.size}`;
    } catch {
      // Missing: no keys, every request is refused.
    }
    if (version === this.#version) return;
    try {
      const { keys } = readKeyFile(this.#file);
      this.#byHash = new Map(keys.map((key) => [key.hash, key]));
      this.#version = version;
      if (!strict) this.#logger.info({ file: this.#file, keys: this.activeKeys }, 'API keys reloaded');
    } catch (err) {
      if (strict) throw err;
      // Keep serving with the keys last read: a bad edit must not lock every client out.
      this.#logger.error({ err, file: this.#file }, 'API key file unreadable; keeping the keys last read');
      this.#version = version;
    }
  }
}
