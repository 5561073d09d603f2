// pino JSON logs to stdout. Secrets are redacted by path in case a config object is ever logged whole.
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'beacon-collector' },
    redact: { paths: ['*.clickhousePassword', '*.password', '*.apiKey', '*.authorization'], censor: '***' },
  });
}
