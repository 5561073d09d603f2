// pino JSON logs to stdout. Secrets are redacted by path in case a config object is ever logged whole.
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Logs to stdout, or to `destination` (tests capture the lines to search them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'beacon-collector' },
      redact: {
        paths: [
          '*.clickhousePassword',
          '*.openaiApiKey',
          '*.anthropicApiKey',
          '*.openaiCompatibleApiKey',
          '*.password',
          '*.apiKey',
          '*.authorization',
        ],
        censor: '***',
      },
    },
    destination,
  );
}
