// Who is calling: the API key a request carries (`Authorization: Bearer <key>` or `x-beacon-api-key: <key>`, in HTTP
// headers and gRPC metadata alike) → its tenant and scopes, and whether its rate allows one more request. With auth
// off (the default, for local use) every request is the default tenant with every scope.
import type { IncomingHttpHeaders } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ANONYMOUS, type Principal, type Scope } from './api-keys.js';
import type { ApiKeyStore } from './key-store.js';

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'unauthenticated' | 'forbidden'; message: string }
  | { ok: false; reason: 'rate_limited'; message: string; retryAfterSeconds: number };

export interface Authenticator {
  readonly enabled: boolean;
  /** Checks the credential a request carries for one scope, and counts the request against the key's rate. */
  authorize(credential: string | undefined, scope: Scope): Promise<AuthOutcome>;
}

/** Header / metadata names a key may come in (lowercase, as Node and grpc-js present them). */
export const API_KEY_HEADER = 'x-beacon-api-key';

/** The key from an `authorization` or `x-beacon-api-key` value; a non-Bearer authorization is no key. */
export function credentialFrom(
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
): string | undefined {
  if (apiKeyHeader) return apiKeyHeader.trim();
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** The key of an HTTP request (OTLP/HTTP receiver and query API alike); a repeated header counts once. */
export function credentialFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return credentialFrom(first(headers.authorization), first(headers[API_KEY_HEADER]));
}

export const authDisabled: Authenticator = {
  enabled: false,
  authorize: async () => ({ ok: true, principal: ANONYMOUS }),
};

export interface KeyAuthenticatorOptions {
  store: ApiKeyStore;
  /** Requests per second of a key without its own limit. */
  defaultRatePerSecond: number;
}

export function createKeyAuthenticator(options: KeyAuthenticatorOptions): Authenticator {
  // rate-limiter-flexible keeps one fixed one-second window per key; a limiter per distinct rate, keyed by key id.
  const limiters = new Map<number, RateLimiterMemory>();
  const limiterFor = (rate: number) => {
    let limiter = limiters.get(rate);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: rate, duration: 1, keyPrefix: `rate${rate}` });
      limiters.set(rate, limiter);
    }
    return limiter;
  };
  return {
    enabled: true,
    async authorize(credential, scope) {
      if (!credential)
        return {
          ok: false,
          reason: 'unauthenticated',
          message: `an API key is required (Authorization: Bearer <key> or ${API_KEY_HEADER})`,
        };
      const key = options.store.find(credential);
      if (!key) return { ok: false, reason: 'unauthenticated', message: 'unknown or revoked API key' };
      if (!key.scopes.includes(scope))
        return {
          ok: false,
          reason: 'forbidden',
          message: `API key ${key.id} lacks the ${scope} scope (it has ${key.scopes.join(', ')})`,
        };
      try {
        await limiterFor(key.rateLimitPerSecond ?? options.defaultRatePerSecond).consume(key.id);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        return {
          ok: false,
          reason: 'rate_limited',
          message: `API key ${key.id} is over its rate limit, retry later`,
          retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
        };
      }
      return { ok: true, principal: { tenant: key.tenant, keyId: key.id, scopes: new Set(key.scopes) } };
    },
  };
}
