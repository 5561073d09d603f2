// init() never breaks the agent: with no collector listening it warns once, the agent's code returns normally and
// spans are dropped; a second init() warns and returns the first handle; after shutdown() init() works again.
import { afterEach, expect, test } from 'vitest';
import { agent, init, llmCall, tool } from '../src/index.js';

const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
  warnings.length = 0;
});

async function agentRun(): Promise<string> {
  return agent('offline', async () => {
    tool('noop', () => 1);
    return llmCall({ provider: 'openai', model: 'gpt-4o-mini' }, async (span) => {
      span.addUsage({ inputTokens: 1, outputTokens: 1 });
      return 'answer';
    });
  });
}

test.each(['grpc', 'http/protobuf', 'http/json'] as const)(
  'unreachable collector over %s: one warning, the agent returns normally, flush and shutdown resolve',
  async (protocol) => {
    // Port 9 (discard) on loopback: nothing listens there in a test environment.
    const handle = init({
      protocol,
      endpoint: 'http://127.0.0.1:9',
      exportTimeoutMs: 300,
      presets: false,
      flushOnExit: false,
      logger,
    });
    shutdown = handle.shutdown;
    expect(await agentRun()).toBe('answer');
    await handle.forceFlush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('http://127.0.0.1:9');
    expect(warnings[0]).toContain(`OTLP ${protocol}`);
    // Later failures stay silent.
    expect(await agentRun()).toBe('answer');
    await handle.forceFlush();
    expect(await agentRun()).toBe('answer');
    await handle.shutdown();
    expect(warnings).toHaveLength(1);
  },
);

test('a second init() warns and returns the first handle; after shutdown init() starts afresh', async () => {
  const first = init({ endpoint: 'http://127.0.0.1:9', presets: false, flushOnExit: false, logger });
  shutdown = first.shutdown;
  const second = init({ serviceName: 'other', logger });
  expect(second).toBe(first);
  expect(warnings).toEqual(['[beacon] init() was already called; the first configuration stays in effect']);
  await first.shutdown();
  const third = init({ endpoint: 'http://127.0.0.1:9', presets: false, flushOnExit: false, logger });
  shutdown = third.shutdown;
  expect(third).not.toBe(first);
});

test('OTEL_SDK_DISABLED=true: nothing is exported or warned, helpers still run', async () => {
  process.env.OTEL_SDK_DISABLED = 'true';
  try {
    const handle = init({ endpoint: 'http://127.0.0.1:9', presets: false, flushOnExit: false, logger });
    shutdown = handle.shutdown;
    expect(await agentRun()).toBe('answer');
    await handle.forceFlush();
    expect(warnings).toEqual([]);
  } finally {
    delete process.env.OTEL_SDK_DISABLED;
  }
});

test('standard env vars choose endpoint and protocol; options override them', async () => {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9';
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
  try {
    const fromEnv = init({ exportTimeoutMs: 300, presets: false, flushOnExit: false, logger });
    await agentRun();
    await fromEnv.shutdown();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('http://127.0.0.1:9 (OTLP http/json)');

    warnings.length = 0;
    const overridden = init({
      protocol: 'grpc',
      endpoint: 'http://127.0.0.1:7',
      exportTimeoutMs: 300,
      presets: false,
      flushOnExit: false,
      logger,
    });
    shutdown = overridden.shutdown;
    await agentRun();
    await overridden.forceFlush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('http://127.0.0.1:7 (OTLP grpc)');
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
  }
});
