// Wires the pipeline: receivers → processors → ClickHouse exporter (+ Prometheus metrics, + OTLP forwarding of
// received spans and logs when configured), plus the API port. One function so tests, the CLI and benchmarks start
// the same collector.
import { readFile } from 'node:fs/promises';
import nodePath from 'node:path';
import { createPricer, type PriceOverrides, parsePriceOverrides } from '@beacon/semconv';
import { Counter } from 'prom-client';
import { createMcpHttpHandler, MCP_PATH } from './api/mcp-endpoint.js';
import { createQueryApi } from './api/query-api.js';
import { createApiServer } from './api/server.js';
import { createStaticUiHandler } from './api/static-ui.js';
import { ApiKeyStore, type Authenticator, authDisabled, createKeyAuthenticator } from './auth/index.js';
import { loadBudgetsFile } from './budgets/file.js';
import { BudgetService } from './budgets/service.js';
import { apiKeysFilePath, type CollectorConfig, ConfigError, redactConfig } from './config.js';
import { ClickHouseWriter } from './exporters/clickhouse/index.js';
import {
  type RecoveredSpool,
  registerDurabilityMetrics,
  Spool,
  SpoolInUseError,
} from './exporters/clickhouse/spool/index.js';
import {
  createLogForwarder,
  createSpanForwarder,
  type OtlpForwarder,
} from './exporters/otlp-forward/index.js';
import { PrometheusExporter } from './exporters/prometheus/index.js';
import { createLogger, type Logger } from './logger.js';
import { DEFAULT_TENANT, type SpanRejectReason } from './model.js';
import { MemoryLimiter } from './processors/memory-limiter.js';
import { createPipeline } from './processors/pipeline.js';
import {
  createRedactor,
  DEFAULT_REDACTION_RULES,
  parseRedactionRules,
  type RedactionRule,
} from './processors/redact.js';
import { decodeTracesJson } from './receivers/decode-json.js';
import {
  type AcceptedTraceRequest,
  createOtlpGrpcReceiver,
  createOtlpHttpReceiver,
  type ReceivedLogsRequest,
} from './receivers/index.js';
import { callModel } from './replay/call-model.js';
import { createClickHouse, TenantDatabases } from './storage/index.js';

export { type CollectorConfig, ConfigError, loadConfig, SETTINGS } from './config.js';

export interface RunningCollector {
  readonly config: CollectorConfig;
  readonly logger: Logger;
  readonly ports: { grpc: number; http: number; api: number };
  readonly storage: Awaited<ReturnType<typeof createClickHouse>>;
  readonly writer: ClickHouseWriter;
  /** The metrics served at GET /metrics on the API port. */
  readonly metrics: PrometheusExporter;
  /** Forwarding of received spans (BEACON_FORWARD_OTLP_ENDPOINT) and logs (BEACON_FORWARD_LOGS_ENDPOINT), when set. */
  readonly forwarders: { spans?: OtlpForwarder; logRecords?: OtlpForwarder };
  /** Graceful: refuse new spans, finish in-flight requests, write every accepted span, close storage. */
  stop(): Promise<void>;
}

async function loadPriceOverrides(path: string | undefined): Promise<PriceOverrides | undefined> {
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
async function loadRedactionRules(config: CollectorConfig): Promise<RedactionRule[]> {
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
function openSpool(config: CollectorConfig, logger: Logger): { spool?: Spool; recovered?: RecoveredSpool } {
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
function createAuthenticator(config: CollectorConfig, logger: Logger): Authenticator {
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
async function collectorVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function startCollector(
  config: CollectorConfig,
  options: { logger?: Logger } = {},
): Promise<RunningCollector> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const pricer = createPricer({ overrides: await loadPriceOverrides(config.priceOverridesFile) });
  const redactor = createRedactor(await loadRedactionRules(config));
  const fileBudgets = await loadBudgetsFile(config.budgetsFile);
  const decodeLimits = { maxSpansPerRequest: config.maxSpansPerRequest, maxJsonDepth: config.maxJsonDepth };

  const storage = await createClickHouse({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    database: config.clickhouseDatabase,
    dataDir: config.dataDir,
    cluster: config.clickhouseCluster,
  });
  const tenants = new TenantDatabases({
    client: storage.client,
    database: config.clickhouseDatabase,
    retentionDays: config.retentionDays,
    cluster: config.clickhouseCluster,
    logger: logger.child({ component: 'storage' }),
  });
  // The default tenant's schema before anything listens; other tenants' on their first request.
  await tenants.ensure(DEFAULT_TENANT);
  const storageFor = async (tenant: string) => ({
    client: storage.client,
    database: await tenants.ensure(tenant),
  });
  const authenticator = createAuthenticator(config, logger);

  const { spool, recovered } = openSpool(config, logger);
  const writer = new ClickHouseWriter({
    storage,
    databaseFor: (tenant) => tenants.ensure(tenant),
    maxQueueSpans: config.queueMaxSpans,
    batchSpans: config.batchSpans,
    flushIntervalMs: config.flushIntervalMs,
    logger: logger.child({ component: 'clickhouse-writer' }),
    spool,
  });
  // Before any receiver starts: replayed batches must come first, in spool order.
  if (recovered) writer.replay(recovered);
  const memoryLimiter =
    config.memoryLimitMib === 0
      ? undefined
      : new MemoryLimiter({ limitBytes: MemoryLimiter.limitBytes(config.memoryLimitMib) });
  memoryLimiter?.start();
  const forwarderSettings = {
    flushIntervalMs: config.flushIntervalMs,
    timeoutMs: config.forwardTimeoutMs,
  };
  const forwarders = {
    spans: config.forwardOtlpEndpoint
      ? createSpanForwarder({
          ...forwarderSettings,
          endpoint: config.forwardOtlpEndpoint,
          maxQueueItems: config.forwardQueueMaxSpans,
          logger: logger.child({ component: 'span-forwarder' }),
        })
      : undefined,
    logRecords: config.forwardLogsEndpoint
      ? createLogForwarder({
          ...forwarderSettings,
          endpoint: config.forwardLogsEndpoint,
          maxQueueItems: config.forwardLogsQueueMaxRecords,
          logger: logger.child({ component: 'log-forwarder' }),
        })
      : undefined,
  };
  const metrics = new PrometheusExporter({
    maxLabelValues: config.metricsMaxLabelValues,
    version: await collectorVersion(),
    spansReceived: () => pipeline.stats.received,
    writer,
    forwarders,
    logger: logger.child({ component: 'prometheus-exporter' }),
  });
  const pipeline = createPipeline({
    pricer,
    exporter: writer,
    fanOut: [metrics],
    onFanOutError: (err) => logger.error({ err }, 'exporter failed on an accepted batch'),
    memoryLimiter,
    redactor,
    limits: {
      maxAttributesPerSpan: config.maxAttributesPerSpan,
      maxAttributeValueChars: config.maxAttributeValueChars,
      maxEventsPerSpan: config.maxEventsPerSpan,
      maxLinksPerSpan: config.maxLinksPerSpan,
    },
  });
  new Counter({
    name: 'beacon_spans_truncated_total',
    help: 'Spans stored cut down to the BEACON_MAX_ATTRIBUTES_PER_SPAN / _ATTRIBUTE_VALUE_CHARS / _EVENTS_PER_SPAN / _LINKS_PER_SPAN limits (flagged beacon.truncated=true).',
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(pipeline.stats.limits.truncatedSpans);
    },
  });
  new Counter({
    name: 'beacon_redactions_total',
    help: 'Matches replaced before storage, by redaction rule (BEACON_REDACTION, BEACON_REDACTION_RULES_FILE).',
    labelNames: ['rule'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const [rule, count] of Object.entries(redactor.stats.byRule)) this.inc({ rule }, count);
    },
  });
  registerDurabilityMetrics(metrics.registry, { spool, memoryLimiter });
  const budgets = new BudgetService({
    storageFor,
    knownTenants: () => tenants.known(),
    fileBudgets,
    intervalMs: config.budgetEvalIntervalMs,
    logger: logger.child({ component: 'budgets' }),
  });
  budgets.registerMetrics(metrics.registry);
  const onRejected = (count: number, reason: SpanRejectReason) => metrics.recordRejected(count, reason);
  // Forwarding is fed by the receivers (the bytes they accepted), not the fan-out: see exporters/otlp-forward.
  const spanForwarder = forwarders.spans;
  const logForwarder = forwarders.logRecords;
  const forwarding = {
    onAccepted: spanForwarder
      ? (request: AcceptedTraceRequest) => spanForwarder.enqueue(request.protobuf, request.spans)
      : undefined,
    logs: logForwarder
      ? {
          accept: (request: ReceivedLogsRequest) =>
            logForwarder.enqueue(request.protobuf, request.logRecords),
        }
      : undefined,
  };

  const queryApi = createQueryApi({
    maxBodyBytes: config.maxRequestBytes,
    ingest: {
      sink: pipeline,
      decodeOtlpJson: (body) => decodeTracesJson(body, decodeLimits),
      flush: () => writer.flush(),
    },
    replay: {
      settings: config,
      sink: pipeline,
      flush: () => writer.flush(),
      logger: logger.child({ component: 'replay' }),
    },
    analysis: { pricer, config, callModel, logger: logger.child({ component: 'analysis' }) },
    budgets: { budgets },
    shares: {
      publicUrl: config.publicUrl,
      sharedStorageFor: async (tenant) => ((await tenants.exists(tenant)) ? storageFor(tenant) : null),
      logger: logger.child({ component: 'shares' }),
    },
  });

  let stopping = false;
  const api = createApiServer({
    host: config.host,
    port: config.apiPort,
    logger,
    metrics,
    routes: queryApi.routes,
    maxBodyBytes: config.maxRequestBytes,
    corsOrigins: config.apiCorsOrigins,
    authenticator,
    storageFor,
    // The standalone UI (grafana-plugin/dist-standalone) at `/`; absent build → a logged hint, API still up.
    fallback: createStaticUiHandler({ logger: logger.child({ component: 'static-ui' }) }),
    // MCP over streamable HTTP: the tools call this API back with the caller's key (api/mcp-endpoint.ts).
    rawHandlers: {
      [MCP_PATH]: createMcpHttpHandler({
        prometheusUrl: config.prometheusUrl,
        maxBodyBytes: config.maxRequestBytes,
        logger: logger.child({ component: 'mcp' }),
      }),
    },
    readiness: {
      notReadyReason: () => {
        if (stopping) return 'shutting down';
        return writer.healthy
          ? null
          : `ClickHouse writes failing: ${writer.lastWriteError ?? 'unknown error'}`;
      },
    },
  });
  const grpc = createOtlpGrpcReceiver({
    host: config.host,
    port: config.otlpGrpcPort,
    sink: pipeline,
    logger: logger.child({ component: 'otlp-grpc' }),
    maxMessageBytes: config.maxRequestBytes,
    decodeLimits,
    onRejected,
    authenticator,
    memoryLimiter,
    ...forwarding,
  });
  const http = createOtlpHttpReceiver({
    host: config.host,
    port: config.otlpHttpPort,
    sink: pipeline,
    logger: logger.child({ component: 'otlp-http' }),
    maxBodyBytes: config.maxRequestBytes,
    decodeLimits,
    onRejected,
    authenticator,
    memoryLimiter,
    ...forwarding,
  });

  const [grpcPort, httpPort, apiPort] = await Promise.all([grpc.start(), http.start(), api.start()]);
  budgets.start();
  const ports = { grpc: grpcPort.port, http: httpPort.port, api: apiPort.port };
  logger.info(
    { ports, engine: storage.engine, config: redactConfig(config) },
    `Beacon collector ready: OTLP gRPC :${ports.grpc}, OTLP HTTP :${ports.http}, API :${ports.api} (${storage.engine} ClickHouse)`,
  );

  if (forwarders.spans)
    logger.info({ target: forwarders.spans.target }, 'forwarding received spans (OTLP/gRPC)');
  if (forwarders.logRecords)
    logger.info(
      { target: forwarders.logRecords.target },
      'accepting OTLP logs and forwarding them (OTLP/HTTP)',
    );

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      pipeline.beginShutdown();
      await budgets.stop();
      await Promise.all([grpc.stop(), http.stop()]);
      const before = writer.queueDepth;
      logger.info({ queuedSpans: before }, 'shutting down: writing accepted spans');
      // Storage and forwarding flush side by side, each within the shutdown timeout.
      await Promise.all([
        writer.close({ timeoutMs: config.shutdownTimeoutMs }),
        forwarders.spans?.close({ timeoutMs: config.shutdownTimeoutMs }),
        forwarders.logRecords?.close({ timeoutMs: config.shutdownTimeoutMs }),
      ]);
      memoryLimiter?.stop();
      await api.stop();
      await storage.close();
      logger.info(
        { spansWritten: writer.stats.spansWritten, spansDropped: writer.stats.spansDropped },
        'stopped',
      );
    })();
    return stopped;
  };

  return { config, logger, ports, storage, writer, metrics, forwarders, stop };
}
