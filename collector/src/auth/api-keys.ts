// API keys: `bk_<id>_<secret>`, the id public (it names the key in lists, logs and revocation), the secret 32 random
// bytes. Only a SHA-256 of the whole key is stored. A fast unsalted hash is enough for a random 256-bit secret (as for
// GitHub's tokens): there is no dictionary to try, and the lookup stays one map access per request.
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_TENANT } from '../model.js';

/** ingest = send OTLP; read = the query API's reads and analyses; write = its changes (tags, import, replay…). */
export const SCOPES = ['ingest', 'read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyRecord {
  id: string;
  /** What the key is for, as its creator named it. */
  name: string;
  tenant: string;
  scopes: Scope[];
  /** hex SHA-256 of the whole key. */
  hash: string;
  createdAt: string;
  revokedAt: string | null;
  /** Requests per second this key may make; null = the collector's default (BEACON_AUTH_RATE_LIMIT). */
  rateLimitPerSecond: number | null;
}

/** Who a request acts as: its tenant and what it may do. */
export interface Principal {
  tenant: string;
  /** null when auth is off. */
  keyId: string | null;
  scopes: ReadonlySet<Scope>;
}

/** The principal of every request while auth is off (local use): the default tenant, every scope. */
export const ANONYMOUS: Principal = { tenant: DEFAULT_TENANT, keyId: null, scopes: new Set(SCOPES) };

const KEY_PATTERN = /^bk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: the only time its secret exists outside the client that keeps it. */
export function generateApiKey(): { id: string; key: string; hash: string } {
  // 12 base-36 characters from 8 random bytes: short enough to type, ~62 bits so ids never collide in practice.
  const id = BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .padStart(12, '0')
    .slice(-12);
  const key = `bk_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}

/** True when the text has the shape of a Beacon key (checked before hashing what a client sent). */
export function looksLikeApiKey(text: string): boolean {
  return KEY_PATTERN.test(text);
}
