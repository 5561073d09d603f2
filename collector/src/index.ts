// Wires the pipeline: receivers → processors → ClickHouse exporter (+ Prometheus metrics, + OTLP forwarding of
// received spans and logs when configured), plus the API port. One function so tests, the CLI and benchmarks start
// the same collector; its parts (storage, writer, forwarders, pipeline, API, receivers, shutdown) are named below.
import { createPricer, type Pricer } from '@beacon/semconv';
import { Counter } from 'prom-client';
import { createMcpHttpHandler, MCP_PATH } from './api/mcp-endpoint.js';
import { createQueryApi } from './api/query-api.js';
import { createApiServer } from './api/server.js';
import { createStaticUiHandler } from './api/static-ui.js';
import type { Authenticator } from './auth/index.js';
import { loadBudgetsFile } from './budgets/file.js';
import { BudgetService } from './budgets/service.js';
import { type CollectorConfig, redactConfig } from './config.js';
import { ClickHouseWriter } from './exporters/clickhouse/index.js';
import { registerDurabilityMetrics, type Spool } from './exporters/clickhouse/spool/index.js';
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
import { createRedactor, type Redactor } from './processors/redact.js';
import { decodeTracesJson } from './receivers/decode-json.js';
import {
  type AcceptedTraceRequest,
  createOtlpGrpcReceiver,
  createOtlpHttpReceiver,
  type ReceivedLogsRequest,
} from './receivers/index.js';
import { callModel } from './replay/call-model.js';
import {
  collectorVersion,
  createAuthenticator,
  loadPriceOverrides,
  loadRedactionRules,
  openSpool,
} from './start-up.js';
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

type CollectorStorage = Awaited<ReturnType<typeof setUpStorage>>;
type Forwarders = ReturnType<typeof createForwarders>;
type DecodeLimits = { maxSpansPerRequest: number; maxJsonDepth: number };

/** ClickHouse and the tenants' databases: the default tenant's schema before anything listens, others' on first use. */
async function setUpStorage(config: CollectorConfig, logger: Logger) {
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
  await tenants.ensure(DEFAULT_TENANT);
  const storageFor = async (tenant: string) => ({
    client: storage.client,
    database: await tenants.ensure(tenant),
  });
  return { storage, tenants, storageFor };
}

/** The ClickHouse writer, with the spool's recovered batches queued first. */
function setUpWriter(
  config: CollectorConfig,
  logger: Logger,
  { storage, tenants }: CollectorStorage,
): { writer: ClickHouseWriter; spool?: Spool } {
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
  return { writer, spool };
}

/** BEACON_MEMORY_LIMIT_MIB=0 turns the memory limiter off. */
function startMemoryLimiter(config: CollectorConfig): MemoryLimiter | undefined {
  const memoryLimiter =
    config.memoryLimitMib === 0
      ? undefined
      : new MemoryLimiter({ limitBytes: MemoryLimiter.limitBytes(config.memoryLimitMib) });
  memoryLimiter?.start();
  return memoryLimiter;
}

/** The OTLP forwarders that are configured (BEACON_FORWARD_OTLP_ENDPOINT, BEACON_FORWARD_LOGS_ENDPOINT). */
function createForwarders(config: CollectorConfig, logger: Logger) {
  const forwarderSettings = {
    flushIntervalMs: config.flushIntervalMs,
    timeoutMs: config.forwardTimeoutMs,
  };
  return {
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
}

/** The processors in front of the writer, fanning out to the Prometheus exporter, and the metrics of every part. */
async function setUpPipeline(
  config: CollectorConfig,
  logger: Logger,
  parts: {
    pricer: Pricer;
    redactor: Redactor;
    writer: ClickHouseWriter;
    spool: Spool | undefined;
    memoryLimiter: MemoryLimiter | undefined;
    forwarders: Forwarders;
  },
) {
  const { pricer, redactor, writer, spool, memoryLimiter, forwarders } = parts;
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
  return { metrics, pipeline };
}

type Pipeline = Awaited<ReturnType<typeof setUpPipeline>>['pipeline'];

/** The API port: query API and its modules, /metrics, MCP, the standalone UI, readiness. */
function createApi(
  config: CollectorConfig,
  logger: Logger,
  parts: {
    storage: CollectorStorage;
    pricer: Pricer;
    pipeline: Pipeline;
    writer: ClickHouseWriter;
    metrics: PrometheusExporter;
    budgets: BudgetService;
    authenticator: Authenticator;
    decodeLimits: DecodeLimits;
    /** stop() was called: /readyz answers not ready. */
    stopping: () => boolean;
  },
) {
  const { pricer, pipeline, writer, metrics, budgets, authenticator, decodeLimits } = parts;
  const { tenants, storageFor } = parts.storage;
  const queryApi = createQueryApi({
    maxBodyBytes: config.maxRequestBytes,
    maxSpansPerTraceView: config.maxSpansPerTraceView,
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

  return createApiServer({
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
        if (parts.stopping()) return 'shutting down';
        return writer.healthy
          ? null
          : `ClickHouse writes failing: ${writer.lastWriteError ?? 'unknown error'}`;
      },
    },
  });
}

/** The OTLP receivers (gRPC, HTTP), feeding the pipeline and, when configured, the forwarders. */
function createReceivers(
  config: CollectorConfig,
  logger: Logger,
  parts: {
    pipeline: Pipeline;
    metrics: PrometheusExporter;
    forwarders: Forwarders;
    authenticator: Authenticator;
    memoryLimiter: MemoryLimiter | undefined;
    decodeLimits: DecodeLimits;
  },
) {
  const { pipeline, metrics, forwarders, authenticator, memoryLimiter, decodeLimits } = parts;
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
  return { grpc, http };
}

/**
 * Shutdown, in pipeline order: refuse new spans, finish the receivers' requests, write (and forward) every accepted
 * span, then close the API and storage.
 */
async function shutDown(
  config: CollectorConfig,
  logger: Logger,
  parts: {
    pipeline: Pipeline;
    budgets: BudgetService;
    receivers: ReturnType<typeof createReceivers>;
    writer: ClickHouseWriter;
    forwarders: Forwarders;
    memoryLimiter: MemoryLimiter | undefined;
    api: ReturnType<typeof createApi>;
    storage: CollectorStorage['storage'];
  },
): Promise<void> {
  const { pipeline, budgets, receivers, writer, forwarders, memoryLimiter, api, storage } = parts;
  pipeline.beginShutdown();
  await budgets.stop();
  await Promise.all([receivers.grpc.stop(), receivers.http.stop()]);
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
}

/** The one wiring place: storage, exporters, processors, API and receivers, started and stopped in order. */
export async function startCollector(
  config: CollectorConfig,
  options: { logger?: Logger } = {},
): Promise<RunningCollector> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const pricer = createPricer({ overrides: await loadPriceOverrides(config.priceOverridesFile) });
  const redactor = createRedactor(await loadRedactionRules(config));
  const fileBudgets = await loadBudgetsFile(config.budgetsFile);
  const decodeLimits = { maxSpansPerRequest: config.maxSpansPerRequest, maxJsonDepth: config.maxJsonDepth };

  const collectorStorage = await setUpStorage(config, logger);
  const { storage, tenants, storageFor } = collectorStorage;
  const authenticator = createAuthenticator(config, logger);
  const { writer, spool } = setUpWriter(config, logger, collectorStorage);
  const memoryLimiter = startMemoryLimiter(config);
  const forwarders = createForwarders(config, logger);
  const { metrics, pipeline } = await setUpPipeline(config, logger, {
    pricer,
    redactor,
    writer,
    spool,
    memoryLimiter,
    forwarders,
  });
  const budgets = new BudgetService({
    storageFor,
    knownTenants: () => tenants.known(),
    fileBudgets,
    intervalMs: config.budgetEvalIntervalMs,
    logger: logger.child({ component: 'budgets' }),
  });
  budgets.registerMetrics(metrics.registry);

  let stopping = false;
  const api = createApi(config, logger, {
    storage: collectorStorage,
    pricer,
    pipeline,
    writer,
    metrics,
    budgets,
    authenticator,
    decodeLimits,
    stopping: () => stopping,
  });
  const receivers = createReceivers(config, logger, {
    pipeline,
    metrics,
    forwarders,
    authenticator,
    memoryLimiter,
    decodeLimits,
  });

  const [grpcPort, httpPort, apiPort] = await Promise.all([
    receivers.grpc.start(),
    receivers.http.start(),
    api.start(),
  ]);
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
    stopped ??= (() => {
      stopping = true;
      return shutDown(config, logger, {
        pipeline,
        budgets,
        receivers,
        writer,
        forwarders,
        memoryLimiter,
        api,
        storage,
      });
    })();
    return stopped;
  };

  return { config, logger, ports, storage, writer, metrics, forwarders, stop };
}
