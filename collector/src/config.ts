// Every setting of the collector, in one place: env var, CLI flag, default, and validation.
// Precedence: CLI flag > environment > default. An invalid value stops start-up with one line naming the setting.
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalString = z.string().min(1).optional();
/** Where forwarded telemetry goes: http(s) only, and no credentials in the URL (it is logged at start-up). */
const forwardUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
  .refine((value) => !new URL(value).username, 'credentials in the URL are not supported');

/**
 * One row per setting: the single source for env names, flags, --help text and validation. Add a new setting here:
 * one row (env, flag, help, default, schema), and its line in the README's configuration table.
 */
export const SETTINGS = {
  host: {
    env: 'BEACON_HOST',
    flag: '--host <address>',
    help: 'address all listeners bind to',
    default: '0.0.0.0',
    schema: z.string().min(1),
  },
  otlpGrpcPort: {
    env: 'BEACON_OTLP_GRPC_PORT',
    flag: '--otlp-grpc-port <port>',
    help: 'OTLP gRPC receiver port',
    default: '4317',
    schema: port,
  },
  otlpHttpPort: {
    env: 'BEACON_OTLP_HTTP_PORT',
    flag: '--otlp-http-port <port>',
    help: 'OTLP HTTP receiver port (/v1/traces)',
    default: '4318',
    schema: port,
  },
  apiPort: {
    env: 'BEACON_API_PORT',
    flag: '--api-port <port>',
    help: 'query API, UI, /metrics, /healthz and /readyz port',
    default: '4320',
    schema: port,
  },
  clickhouseUrl: {
    env: 'BEACON_CLICKHOUSE_URL',
    flag: '--clickhouse-url <url>',
    help: 'ClickHouse server HTTP URL; unset = embedded engine (chDB)',
    default: undefined,
    schema: z.url().optional(),
  },
  clickhouseUser: {
    env: 'BEACON_CLICKHOUSE_USER',
    flag: '--clickhouse-user <user>',
    help: 'ClickHouse user',
    default: undefined,
    schema: optionalString,
  },
  clickhousePassword: {
    env: 'BEACON_CLICKHOUSE_PASSWORD',
    flag: '--clickhouse-password <password>',
    help: 'ClickHouse password',
    default: undefined,
    schema: z.string().optional(),
  },
  clickhouseDatabase: {
    env: 'BEACON_CLICKHOUSE_DATABASE',
    flag: '--clickhouse-database <name>',
    help: 'ClickHouse database',
    default: 'beacon',
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a database identifier (letters, digits, _)'),
  },
  clickhouseCluster: {
    env: 'BEACON_CLICKHOUSE_CLUSTER',
    flag: '--clickhouse-cluster <name>',
    help: 'ClickHouse cluster (remote_servers name): Replicated + Distributed tables, DDL ON CLUSTER; unset = single node',
    default: undefined,
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a cluster name (letters, digits, _ and -)')
      .optional(),
  },
  dataDir: {
    env: 'BEACON_DATA_DIR',
    flag: '--data-dir <path>',
    help: 'embedded engine data directory',
    default: './.beacon/data',
    schema: z.string().min(1),
  },
  retentionDays: {
    env: 'BEACON_RETENTION_DAYS',
    flag: '--retention-days <days>',
    help: 'days spans are kept (TTL)',
    default: '30',
    schema: positiveInt,
  },
  logLevel: {
    env: 'BEACON_LOG_LEVEL',
    flag: '--log-level <level>',
    help: 'fatal|error|warn|info|debug|trace',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  auth: {
    env: 'BEACON_AUTH',
    flag: '--auth <on|off>',
    help: 'require an API key (Authorization: Bearer / x-beacon-api-key, gRPC metadata too) on ingest and the query API; keys are managed with `beacon-collector keys`',
    default: 'off',
    schema: z.enum(['on', 'off']),
  },
  apiKeysFile: {
    env: 'BEACON_API_KEYS_FILE',
    flag: '--api-keys-file <path>',
    help: 'file of hashed API keys written by `beacon-collector keys`, re-read when it changes; unset = <data dir>/api-keys.json',
    default: undefined,
    schema: optionalString,
  },
  authRateLimit: {
    env: 'BEACON_AUTH_RATE_LIMIT',
    flag: '--auth-rate-limit <requests/s>',
    help: 'requests per second per API key (a key created with --rate-limit has its own); over it: 429 / RESOURCE_EXHAUSTED',
    default: '200',
    schema: positiveInt,
  },
  maxRequestBytes: {
    env: 'BEACON_MAX_REQUEST_BYTES',
    flag: '--max-request-bytes <bytes>',
    help: 'largest OTLP request accepted, after decompression',
    default: String(16 * 1024 * 1024),
    schema: positiveInt,
  },
  maxSpansPerRequest: {
    env: 'BEACON_MAX_SPANS_PER_REQUEST',
    flag: '--max-spans-per-request <n>',
    help: 'most spans one OTLP request may carry; larger requests get 400 / INVALID_ARGUMENT naming the limit',
    default: '10000',
    schema: positiveInt,
  },
  maxJsonDepth: {
    env: 'BEACON_MAX_JSON_DEPTH',
    flag: '--max-json-depth <n>',
    help: 'deepest nesting of arrays/objects in an OTLP/JSON body; deeper bodies get 400',
    default: '64',
    schema: positiveInt,
  },
  maxAttributesPerSpan: {
    env: 'BEACON_MAX_ATTRIBUTES_PER_SPAN',
    flag: '--max-attributes-per-span <n>',
    help: 'attributes kept per span, event and link (the first N); the span is flagged beacon.truncated=true',
    default: '256',
    schema: positiveInt,
  },
  maxAttributeValueChars: {
    env: 'BEACON_MAX_ATTRIBUTE_VALUE_CHARS',
    flag: '--max-attribute-value-chars <n>',
    help: 'longer string attribute values are cut to this length; the span is flagged beacon.truncated=true',
    default: String(256 * 1024),
    schema: positiveInt,
  },
  maxEventsPerSpan: {
    env: 'BEACON_MAX_EVENTS_PER_SPAN',
    flag: '--max-events-per-span <n>',
    // Generous: older GenAI conventions record every chat message as an event.
    help: 'events kept per span (the first N); the span is flagged beacon.truncated=true with beacon.dropped_events_count',
    default: '1024',
    schema: positiveInt,
  },
  maxLinksPerSpan: {
    env: 'BEACON_MAX_LINKS_PER_SPAN',
    flag: '--max-links-per-span <n>',
    help: 'links kept per span (the first N); the span is flagged beacon.truncated=true with beacon.dropped_links_count',
    default: '1024',
    schema: positiveInt,
  },
  redaction: {
    env: 'BEACON_REDACTION',
    flag: '--redaction <mode>',
    help: 'default = built-in redaction of API keys, bearer tokens, emails and card numbers before storage; off = none (rules from BEACON_REDACTION_RULES_FILE still apply)',
    default: 'default',
    schema: z.enum(['default', 'off']),
  },
  redactionRulesFile: {
    env: 'BEACON_REDACTION_RULES_FILE',
    flag: '--redaction-rules-file <path>',
    help: 'JSON [{name, pattern, replacement}] of extra redaction rules (JavaScript regexes)',
    default: undefined,
    schema: optionalString,
  },
  queueMaxSpans: {
    env: 'BEACON_QUEUE_MAX_SPANS',
    flag: '--queue-max-spans <n>',
    help: 'spans held in memory before clients are told to retry',
    default: '200000',
    schema: positiveInt,
  },
  batchSpans: {
    env: 'BEACON_BATCH_SPANS',
    flag: '--batch-spans <n>',
    help: 'spans per ClickHouse insert',
    default: '10000',
    schema: positiveInt,
  },
  flushIntervalMs: {
    env: 'BEACON_FLUSH_INTERVAL_MS',
    flag: '--flush-interval-ms <ms>',
    help: 'longest a span waits before it is written',
    default: '500',
    schema: positiveInt,
  },
  shutdownTimeoutMs: {
    env: 'BEACON_SHUTDOWN_TIMEOUT_MS',
    flag: '--shutdown-timeout-ms <ms>',
    help: 'time allowed to flush accepted spans on SIGTERM',
    default: '30000',
    schema: positiveInt,
  },
  spoolDir: {
    env: 'BEACON_SPOOL_DIR',
    flag: '--spool-dir <path|off>',
    help: 'durable spool of accepted batches until ClickHouse stored them (replayed at start); unset = <data dir>/spool when writable, "off" = in memory only',
    default: undefined,
    schema: optionalString,
  },
  spoolMaxBytes: {
    env: 'BEACON_SPOOL_MAX_BYTES',
    flag: '--spool-max-bytes <bytes>',
    help: 'spool size on disk before clients are told to retry (429 / RESOURCE_EXHAUSTED)',
    default: String(1024 * 1024 * 1024),
    schema: positiveInt,
  },
  spoolFsync: {
    env: 'BEACON_SPOOL_FSYNC',
    flag: '--spool-fsync <policy>',
    help: 'always = fdatasync each batch before acknowledging it (survives power loss); never = leave it to the OS (survives a collector crash only)',
    default: 'always',
    schema: z.enum(['always', 'never']),
  },
  memoryLimitMib: {
    env: 'BEACON_MEMORY_LIMIT_MIB',
    flag: '--memory-limit-mib <MiB>',
    help: 'heap soft limit: above it batches are refused (429 / RESOURCE_EXHAUSTED) until usage drops; unset = 80% of the V8 heap limit, 0 = off',
    default: undefined,
    schema: z.coerce.number().int().min(0).optional(),
  },
  forwardOtlpEndpoint: {
    env: 'BEACON_FORWARD_OTLP_ENDPOINT',
    flag: '--forward-otlp-endpoint <url>',
    help: 'OTLP/gRPC endpoint every received span is also sent to, unchanged (e.g. http://jaeger:4317); unset = off',
    default: undefined,
    schema: forwardUrl.optional(),
  },
  forwardQueueMaxSpans: {
    env: 'BEACON_FORWARD_QUEUE_MAX_SPANS',
    flag: '--forward-queue-max-spans <n>',
    help: 'spans waiting to be forwarded before the oldest are dropped (ingest never waits for the forward target)',
    default: '100000',
    schema: positiveInt,
  },
  forwardLogsEndpoint: {
    env: 'BEACON_FORWARD_LOGS_ENDPOINT',
    flag: '--forward-logs-endpoint <url>',
    help: 'OTLP/HTTP logs URL that OTLP logs received at /v1/logs and LogsService go to (e.g. http://loki:3100/otlp/v1/logs); unset = logs not accepted',
    default: undefined,
    schema: forwardUrl.optional(),
  },
  forwardLogsQueueMaxRecords: {
    env: 'BEACON_FORWARD_LOGS_QUEUE_MAX_RECORDS',
    flag: '--forward-logs-queue-max-records <n>',
    help: 'log records waiting to be forwarded before the oldest are dropped',
    default: '100000',
    schema: positiveInt,
  },
  forwardTimeoutMs: {
    env: 'BEACON_FORWARD_TIMEOUT_MS',
    flag: '--forward-timeout-ms <ms>',
    help: 'deadline of one forward request (spans and logs); failed requests are retried with backoff',
    default: '10000',
    schema: positiveInt,
  },
  metricsMaxLabelValues: {
    env: 'BEACON_METRICS_MAX_LABEL_VALUES',
    flag: '--metrics-max-label-values <n>',
    help: 'most distinct values a /metrics label (model, agent, ...) takes, "other" included; later values fold into "other"',
    default: '200',
    schema: positiveInt,
  },
  prometheusUrl: {
    env: 'BEACON_PROMETHEUS_URL',
    flag: '--prometheus-url <url>',
    help: 'Prometheus base URL whose firing alerts the MCP tool get_alerts reports (e.g. http://prometheus:9090); unset = budgets only',
    default: undefined,
    schema: forwardUrl.optional(),
  },
  maxSpansPerTraceView: {
    env: 'BEACON_MAX_SPANS_PER_TRACE_VIEW',
    flag: '--max-spans-per-trace-view <n>',
    help: 'most spans a trace detail, its graph or a shared trace returns (every error span and its ancestors first, then the earliest); the answer says how many were left out; the export route returns all',
    default: '20000',
    schema: positiveInt,
  },
  apiCorsOrigins: {
    env: 'BEACON_API_CORS_ORIGINS',
    flag: '--api-cors-origins <origins>',
    help: 'browser origins allowed to call the query API: comma-separated origins, "localhost" (any port on localhost) or "*"',
    default: 'localhost',
    schema: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z
              .string()
              .regex(
                /^(\*|localhost|https?:\/\/[^/\s]+)$/,
                'expected "*", "localhost" or origins like https://grafana.example.com',
              ),
          )
          .min(1),
      ),
  },
  publicUrl: {
    env: 'BEACON_PUBLIC_URL',
    flag: '--public-url <url>',
    help: 'URL users reach the standalone UI at, for share links (e.g. https://beacon.example.com); unset = from the request Host header',
    default: undefined,
    schema: forwardUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  },
  priceOverridesFile: {
    env: 'BEACON_PRICE_OVERRIDES_FILE',
    flag: '--price-overrides-file <path>',
    help: 'JSON prices for custom/self-hosted models',
    default: undefined,
    schema: optionalString,
  },
  budgetsFile: {
    env: 'BEACON_BUDGETS_FILE',
    flag: '--budgets-file <path>',
    help: 'JSON {"budgets": [{name, limit, unit: usd|tokens, period: hour|day|month, scope?, tenant?}]} read at start-up (budgets are also defined through the API)',
    default: undefined,
    schema: optionalString,
  },
  budgetEvalIntervalMs: {
    env: 'BEACON_BUDGET_EVAL_INTERVAL_MS',
    flag: '--budget-eval-interval-ms <ms>',
    help: 'how often budgets are measured (the beacon_budget_* gauges, and the age past which a budget check measures anew)',
    default: '15000',
    schema: positiveInt,
  },
  openaiApiKey: {
    env: 'BEACON_OPENAI_API_KEY',
    flag: '--openai-api-key <key>',
    help: 'key replays (and analysis refinement) use for provider openai; never stored or logged',
    default: undefined,
    schema: optionalString,
  },
  openaiBaseUrl: {
    env: 'BEACON_OPENAI_BASE_URL',
    flag: '--openai-base-url <url>',
    help: 'OpenAI API base URL for replays',
    default: 'https://api.openai.com/v1',
    schema: z.url(),
  },
  anthropicApiKey: {
    env: 'BEACON_ANTHROPIC_API_KEY',
    flag: '--anthropic-api-key <key>',
    help: 'key replays (and analysis refinement) use for provider anthropic; never stored or logged',
    default: undefined,
    schema: optionalString,
  },
  anthropicBaseUrl: {
    env: 'BEACON_ANTHROPIC_BASE_URL',
    flag: '--anthropic-base-url <url>',
    help: 'Anthropic API base URL for replays',
    default: 'https://api.anthropic.com',
    schema: z.url(),
  },
  openaiCompatibleBaseUrl: {
    env: 'BEACON_OPENAI_COMPATIBLE_BASE_URL',
    flag: '--openai-compatible-base-url <url>',
    help: 'OpenAI-compatible endpoint (Ollama, vLLM, ...) for replays of other providers, e.g. http://localhost:11434/v1',
    default: undefined,
    schema: z.url().optional(),
  },
  openaiCompatibleApiKey: {
    env: 'BEACON_OPENAI_COMPATIBLE_API_KEY',
    flag: '--openai-compatible-api-key <key>',
    help: 'key for the OpenAI-compatible endpoint, if it wants one; never stored or logged',
    default: undefined,
    schema: optionalString,
  },
  replayTimeoutMs: {
    env: 'BEACON_REPLAY_TIMEOUT_MS',
    flag: '--replay-timeout-ms <ms>',
    help: 'longest a replayed model call may take',
    default: '120000',
    schema: positiveInt,
  },
  analysisLlm: {
    env: 'BEACON_ANALYSIS_LLM',
    flag: '--analysis-llm <provider:model>',
    help: 'model that rewrites analysis explanations, e.g. openai:gpt-4o-mini (keys and URLs as for replay); unset = deterministic text only',
    default: undefined,
    schema: z
      .string()
      .regex(
        /^(openai|anthropic|openai_compatible):\S+$/,
        'expected provider:model with provider openai, anthropic or openai_compatible',
      )
      .optional(),
  },
} as const;

/** Settings holding credentials: masked wherever the configuration is shown. */
export const SECRET_SETTINGS = [
  'clickhousePassword',
  'openaiApiKey',
  'anthropicApiKey',
  'openaiCompatibleApiKey',
] as const satisfies readonly SettingName[];

export type SettingName = keyof typeof SETTINGS;
export type CollectorConfig = { [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Resolves the configuration from CLI flag values (already parsed, keyed by setting name) and the environment.
 * Throws ConfigError naming the first invalid setting.
 */
export function loadConfig(
  flags: Partial<Record<SettingName, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const fromFlag = flags[name];
    const fromEnv = env[setting.env];
    const raw = fromFlag ?? (fromEnv === '' ? undefined : fromEnv) ?? setting.default;
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const source = fromFlag !== undefined ? setting.flag.split(' ')[0] : setting.env;
      const why = parsed.error.issues[0]?.message ?? 'invalid value';
      throw new ConfigError(`invalid ${source}=${JSON.stringify(raw)}: ${why}`);
    }
    out[name] = parsed.data;
  }
  return out as CollectorConfig;
}

/** Where the API key file is: BEACON_API_KEYS_FILE, else api-keys.json in the data directory. */
export function apiKeysFilePath(config: Pick<CollectorConfig, 'apiKeysFile' | 'dataDir'>): string {
  return config.apiKeysFile ?? path.join(config.dataDir, 'api-keys.json');
}

/** The configuration with secrets masked, for the start-up log line. */
export function redactConfig(config: CollectorConfig): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...config };
  for (const name of SECRET_SETTINGS) shown[name] = config[name] ? '***' : undefined;
  return shown;
}
