// Provider failures as ModelCallError: the HTTP status when there was one, and a message with every trace of the
// API key removed. SDK error objects carry request headers and options, so nothing but this message may be logged.
import { ModelCallError } from './providers.js';

/** Removes the key itself and any bearer/api-key credential a provider echoes back. */
export function redactSecret(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey) out = out.split(apiKey).join('[redacted]');
  return out
    .replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
    .replace(/((?:x-api-key|api[-_]key|authorization)["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, '$1[redacted]');
}

export function providerError(error: unknown, apiKey: string | undefined): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const status = statusOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactSecret(raw || 'provider call failed', apiKey);
  return new ModelCallError(message, status);
}

function statusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' ? status : null;
}
