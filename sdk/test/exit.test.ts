// Flush on exit: an agent process that ends on its own, or is sent SIGTERM, still delivers its spans, and exits
// the way it would have without Beacon (SIGTERM kills it unless the agent handles SIGTERM itself).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, 'fixtures/exit-agent.mjs');

let collector: TestCollector;
beforeAll(async () => {
  if (!existsSync(path.join(here, '../dist/index.js'))) throw new Error('build the SDK first: npx tsc -b');
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.dispose();
});

function runAgent(
  mode: string,
  protocol: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const endpoint = protocol === 'grpc' ? collector.grpcUrl : collector.httpUrl;
  const child = spawn(process.execPath, [SCRIPT, mode], {
    env: {
      ...process.env,
      BEACON_TEST_SERVICE: `exit-${mode}-${protocol.replace('/', '-')}`,
      BEACON_TEST_PROTOCOL: protocol,
      BEACON_TEST_ENDPOINT: endpoint,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent process did not exit (${mode}):\n${stderr}`));
    }, 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

async function storedAgentSpans(service: string): Promise<string[]> {
  const rows = await collector.query<{ SpanName: string }>(
    'SELECT SpanName FROM otel_traces WHERE ServiceName = {service:String}',
    { service },
  );
  return rows.map((r) => r.SpanName);
}

test.each(['grpc', 'http/protobuf'])(
  'a process that ends on its own exports its spans before exiting (%s)',
  async (protocol) => {
    const result = await runAgent('natural', protocol);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(await storedAgentSpans(`exit-natural-${protocol.replace('/', '-')}`)).toEqual([
      'invoke_agent exit-natural',
    ]);
  },
);

test('SIGTERM: spans are flushed and the process still dies of SIGTERM', async () => {
  const result = await runAgent('sigterm', 'http/protobuf');
  expect(result.signal).toBe('SIGTERM');
  expect(await storedAgentSpans('exit-sigterm-http-protobuf')).toEqual(['invoke_agent exit-sigterm']);
});

test("SIGTERM with the agent's own handler: spans are flushed and the agent's handler decides the exit", async () => {
  const result = await runAgent('sigterm-handled', 'http/protobuf');
  expect(result).toMatchObject({ code: 3, signal: null });
  expect(await storedAgentSpans('exit-sigterm-handled-http-protobuf')).toEqual([
    'invoke_agent exit-sigterm-handled',
  ]);
});
