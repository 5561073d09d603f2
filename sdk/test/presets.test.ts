// The presets' contract: one instrumentation per installed client library (a missing one is skipped, never
// thrown over), content capture passed through to each instrumentation, and nothing of the content recorded
// when capture is off.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as AnthropicModule from '@anthropic-ai/sdk';
import * as OpenAIModule from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import { instrumentClients, PRESET_NAMES, presetInstrumentations } from '../src/presets/index.js';
import { type PresetTracing, startPresetTracing } from './presets-harness.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let mock: MockLlm;
let tracing: PresetTracing;

beforeAll(async () => {
  mock = await startMockLlm();
  tracing = startPresetTracing(null, {
    presets: ['openai', 'anthropic'],
    captureContent: false,
    serviceName: 'off',
  });
});
afterAll(async () => {
  await tracing?.shutdown();
  await mock?.close();
});

// First: the registry of active presets is replaced by the presetInstrumentations calls further down.
describe('content capture off', () => {
  test('LLM spans keep model and usage but no prompt, completion or tool arguments', async () => {
    expect(instrumentClients({ openai: OpenAIModule, anthropic: AnthropicModule })).toEqual([
      'openai',
      'anthropic',
    ]);
    const openai = new OpenAIModule.OpenAI({ baseURL: mock.url, apiKey: 'k', maxRetries: 0 });
    const anthropic = new AnthropicModule.Anthropic({
      baseURL: mock.anthropicUrl,
      apiKey: 'k',
      maxRetries: 0,
    });
    await tracing.runAgent('private-agent', async () => {
      await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'my secret question' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      });
      await anthropic.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'my secret question' }],
      });
    });
    const llm = tracing.memory
      .getFinishedSpans()
      .filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(llm.map((s) => s.instrumentationScope.name)).toEqual([
      '@opentelemetry/instrumentation-openai',
      '@traceloop/instrumentation-anthropic',
    ]);
    for (const span of llm) {
      expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
      expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
      expect(span.events).toEqual([]);
      expect(JSON.stringify(span.attributes)).not.toContain('secret');
    }
  });
});

describe('presetInstrumentations', () => {
  test('gives the maintained instrumentation of each installed client, with content capture passed through', () => {
    const on = presetInstrumentations(PRESET_NAMES, { captureContent: true });
    expect(on.map((i) => i.instrumentationName)).toEqual([
      '@opentelemetry/instrumentation-openai',
      '@traceloop/instrumentation-anthropic',
      '@traceloop/instrumentation-langchain',
    ]);
    expect(on.map((i) => i.getConfig())).toEqual([
      expect.objectContaining({ captureMessageContent: true }),
      expect.objectContaining({ traceContent: true }),
      expect.objectContaining({ traceContent: true }),
    ]);
    const off = presetInstrumentations(['anthropic', 'anthropic'], { captureContent: false });
    expect(off).toHaveLength(1);
    expect(off[0]!.getConfig()).toMatchObject({ traceContent: false });
    for (const i of [...on, ...off]) i.disable();
  });

  test('an application without the client libraries gets no instrumentation and no error', async () => {
    // A project that has @beacon/sdk (the built dist) and the OTel / OpenLLMetry packages, but none of openai,
    // @anthropic-ai/sdk or @langchain/core.
    const app = await mkdtemp(path.join(tmpdir(), 'beacon-presets-'));
    try {
      const modules = path.join(app, 'node_modules');
      const sdkDir = path.join(modules, '@beacon', 'sdk');
      await mkdir(sdkDir, { recursive: true });
      await cp(path.join(REPO, 'sdk', 'dist'), path.join(sdkDir, 'dist'), { recursive: true });
      await cp(path.join(REPO, 'sdk', 'package.json'), path.join(sdkDir, 'package.json'));
      for (const scope of ['@opentelemetry', '@traceloop']) {
        await symlink(path.join(REPO, 'node_modules', scope), path.join(modules, scope), 'dir');
      }
      await writeFile(path.join(app, 'package.json'), '{"type":"module"}');
      const script = `
        const presets = await import(${JSON.stringify(path.join(sdkDir, 'dist', 'presets', 'index.js'))});
        const list = presets.presetInstrumentations(presets.PRESET_NAMES, { captureContent: true });
        console.log(JSON.stringify({ count: list.length, telemetry: presets.aiTelemetry({ functionId: 'f' }) }));`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: app,
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(JSON.parse(stdout)).toEqual({
        count: 0,
        telemetry: { isEnabled: true, recordInputs: false, recordOutputs: false, functionId: 'f' },
      });
    } finally {
      await rm(app, { recursive: true, force: true });
    }
  });
});
