// Errors that domain code (replay, budgets, storage, …) throws: a code saying what went wrong, not how to answer it.
// The query API maps each code to an HTTP answer (api/http.ts, `apiErrorOf`); other callers map them their own way.

export type DomainErrorCode =
  /** The caller's input is at fault; the message names the field. */
  | 'invalid_argument'
  | 'not_found'
  /** The request conflicts with what is stored (e.g. a name already taken). */
  | 'conflict'
  /** Refused for now; worth retrying after `retryAfterSeconds`. */
  | 'unavailable'
  /** An upstream LLM provider failed; the message is already sanitized. */
  | 'provider_error';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const invalidArgument = (message: string) => new DomainError('invalid_argument', message);
export const notFound = (message: string) => new DomainError('not_found', message);
export const conflict = (message: string) => new DomainError('conflict', message);
