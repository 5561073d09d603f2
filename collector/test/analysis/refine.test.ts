// Refinement wiring: which endpoint and key the analysis model uses, what it is asked, and that a failing call
// leaves refinement null with a warning that carries no key.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { analysisModelFromConfig, createRefiner, refinementPrompt } from '../../src/analysis/refine.js';
import type { Finding } from '../../src/contract/index.js';
import type { ModelCall } from '../../src/replay/providers.js';
import { ModelCallError } from '../../src/replay/providers.js';

const settings = {
  analysisLlm: undefined as string | undefined,
  openaiApiKey: 'sk-openai',
  openaiBaseUrl: 'https://api.openai.com/v1',
  anthropicApiKey: 'sk-ant',
  anthropicBaseUrl: 'https://api.anthropic.com',
  openaiCompatibleBaseUrl: undefined as string | undefined,
  openaiCompatibleApiKey: undefined as string | undefined,
  replayTimeoutMs: 5000,
};

const finding: Finding = {
  id: 'root-cause-1',
  type: 'root_cause',
  category: 'tool_failure',
  severity: 'critical',
  title: 'execute_tool web_search failed: tool_failure',
  detail: 'failed',
  traceId: 'a'.repeat(32),
  spanIds: ['0123456789abcdef', 'fedcba9876543210'],
  estimatedSavingsUsd: null,
  evidence: {},
};

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('analysisModelFromConfig', () => {
  test('the provider of analysisLlm picks the configured URL and key', () => {
    expect(analysisModelFromConfig(settings)).toBeNull();
    expect(analysisModelFromConfig({ ...settings, analysisLlm: 'anthropic:claude-haiku-4-5' })).toEqual({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      baseUrl: 'https://api.anthropic.com',
      apiKey: 'sk-ant',
      timeoutMs: 5000,
    });
    // Model names may contain colons (e.g. Ollama tags).
    expect(analysisModelFromConfig({ ...settings, analysisLlm: 'openai_compatible:llama3:8b' })).toBeNull();
    expect(
      analysisModelFromConfig({
        ...settings,
        analysisLlm: 'openai_compatible:llama3:8b',
        openaiCompatibleBaseUrl: 'http://localhost:11434/v1',
      }),
    ).toMatchObject({ model: 'llama3:8b', baseUrl: 'http://localhost:11434/v1', apiKey: undefined });
  });
});

describe('createRefiner', () => {
  const model = analysisModelFromConfig({ ...settings, analysisLlm: 'openai:gpt-4o-mini' })!;

  test('asks with the findings JSON and answers the text', async () => {
    const calls: ModelCall[] = [];
    const { logger } = capturingLogger();
    const refiner = createRefiner({
      model,
      logger,
      callModel: async (call) => {
        calls.push(call);
        return {
          responseModel: 'gpt-4o-mini-2024-07-18',
          responseId: 'x',
          outputMessages: [
            { role: 'assistant', parts: [{ type: 'text', content: ' Search failed [0123456789abcdef]. ' }] },
          ],
          finishReasons: ['stop'],
          usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: null, cacheWriteTokens: null },
        };
      },
    });
    const result = await refiner.refine('root-cause', 'a'.repeat(32), 'The trace failed.', [finding]);
    expect(result).toEqual({ model: 'gpt-4o-mini', text: 'Search failed [0123456789abcdef].' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-openai',
    });
    expect(calls[0]!.messages).toEqual(
      refinementPrompt('root-cause', 'a'.repeat(32), 'The trace failed.', [finding]).messages,
    );
    const content = JSON.stringify(calls[0]!.messages);
    expect(content).toContain('0123456789abcdef');
    expect(content).toContain('fedcba9876543210');
  });

  test('a failing call: null, and a warning without the key', async () => {
    const { logger, lines } = capturingLogger();
    const refiner = createRefiner({
      model,
      logger,
      callModel: async () => {
        throw new ModelCallError('openai answered 401: invalid api key', 401);
      },
    });
    expect(await refiner.refine('cost', 'a'.repeat(32), 'text', [finding])).toBeNull();
    // Even an unexpected error that quotes the key does not get it into the log.
    const leaky = createRefiner({
      model,
      logger,
      callModel: async (call) => {
        throw new Error(`request with key ${call.apiKey} failed`);
      },
    });
    expect(await leaky.refine('cost', 'a'.repeat(32), 'text', [finding])).toBeNull();
    expect(lines).toHaveLength(2);
    expect(lines.join('')).toContain('analysis refinement failed');
    expect(lines.join('')).not.toContain('sk-openai');
  });
});
