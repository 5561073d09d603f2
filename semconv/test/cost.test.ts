import { existsSync, readFileSync } from 'node:fs';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { createPricer, GENAI_PRICES_PROVIDER_IDS, GENAI_PRICES_VERSION } from '../src/cost.js';
import { createFacts } from '../src/facts.js';
import type { GenAIFacts, TokenUsage } from '../src/model.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { PriceOverrideError, parsePriceOverrides } from '../src/price-overrides.js';
import { span } from './spans.js';

const AT = new Date('2026-11-01T12:00:00Z');

function chatFacts(provider: string | null, model: string | null, usage: Partial<TokenUsage>): GenAIFacts {
  const facts = createFacts('otel', 'chat');
  facts.provider = provider;
  facts.responseModel = model;
  facts.usage = { ...facts.usage, ...usage };
  return facts;
}

describe('pricing with genai-prices', () => {
  const pricer = createPricer();

  it('prices Anthropic with cache reads: raw input 100 + cache read 1000 is billed as 1100 input incl. 1000 cached', () => {
    const facts = normalizeGenAISpan(
      span('chat claude-sonnet-4-5', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.cache_read.input_tokens': 1000,
      }),
    )!;
    expect(facts.usage.inputTokens).toBe(1100);
    const expected = calcPrice(
      { input_tokens: 1100, cache_read_tokens: 1000, output_tokens: 50 },
      'claude-sonnet-4-5',
      { providerId: 'anthropic', timestamp: AT },
    )!;
    expect(pricer.price(facts, AT)).toEqual({
      costUsd: expected.total_price,
      inputCostUsd: expected.input_price,
      outputCostUsd: expected.output_price,
      priceSource: 'genai-prices',
      priceEntry: 'anthropic/claude-sonnet-4-5',
      priceDataVersion: `genai-prices@${GENAI_PRICES_VERSION}`,
      unpriced: false,
    });
  });

  it('prices OpenAI input as reported: 1100 including 1000 cached stays 1100', () => {
    const facts = normalizeGenAISpan(
      span('chat gpt-4o', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1100,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.cache_read.input_tokens': 1000,
      }),
    )!;
    const expected = calcPrice({ input_tokens: 1100, cache_read_tokens: 1000, output_tokens: 50 }, 'gpt-4o', {
      providerId: 'openai',
      timestamp: AT,
    })!;
    expect(pricer.price(facts, AT)?.costUsd).toBe(expected.total_price);
  });

  it('prices the response model, falling back to the request model', () => {
    const usage = { inputTokens: 1000, outputTokens: 100 };
    const dated = chatFacts('openai', 'gpt-4o-mini-2024-07-18', usage);
    const expected = calcPrice({ input_tokens: 1000, output_tokens: 100 }, 'gpt-4o-mini-2024-07-18', {
      providerId: 'openai',
      timestamp: AT,
    })!;
    expect(pricer.price(dated, AT)).toMatchObject({
      costUsd: expected.total_price,
      priceEntry: `openai/${expected.model.id}`,
    });

    // Azure responses may name a deployment; the request model is the one genai-prices knows.
    const deployment = chatFacts('azure.ai.openai', 'contoso-prod-deployment', usage);
    deployment.requestModel = 'gpt-4o';
    const azure = calcPrice({ input_tokens: 1000, output_tokens: 100 }, 'gpt-4o', {
      providerId: 'azure',
      timestamp: AT,
    })!;
    expect(pricer.price(deployment, AT)).toMatchObject({
      costUsd: azure.total_price,
      priceEntry: `azure/${azure.model.id}`,
    });
  });

  it('prices Bedrock Claude under the aws price list', () => {
    const facts = chatFacts('aws.bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', {
      inputTokens: 2000,
      outputTokens: 10,
    });
    const expected = calcPrice(
      { input_tokens: 2000, output_tokens: 10 },
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      { providerId: 'aws', timestamp: AT },
    )!;
    expect(pricer.price(facts, AT)).toMatchObject({
      costUsd: expected.total_price,
      priceEntry: `aws/${expected.model.id}`,
    });
  });

  it('leaves unknown models unpriced: cost null, never 0 or a guess', () => {
    const result = pricer.price(chatFacts('ollama', 'llama3.1:8b', { inputTokens: 10, outputTokens: 5 }), AT);
    expect(result).toEqual({
      costUsd: null,
      inputCostUsd: null,
      outputCostUsd: null,
      priceSource: null,
      priceEntry: null,
      priceDataVersion: null,
      unpriced: true,
    });
    // A self-hosted provider serving a model with a public name is not priced as the public API.
    expect(pricer.price(chatFacts('ollama', 'gpt-4o', { inputTokens: 10 }), AT)?.unpriced).toBe(true);
    // No model at all.
    expect(pricer.price(chatFacts('openai', null, { inputTokens: 10 }), AT)?.unpriced).toBe(true);
  });

  it('returns null for spans without usage and 0 for priced zero usage', () => {
    expect(pricer.price(chatFacts('openai', 'gpt-4o', {}), AT)).toBeNull();
    expect(
      pricer.price(chatFacts('openai', 'gpt-4o', { inputTokens: 0, outputTokens: 0 }), AT)?.costUsd,
    ).toBe(0);
  });

  it('maps every OTel provider name to a provider id that exists in the genai-prices data', () => {
    for (const [otelName, id] of Object.entries(GENAI_PRICES_PROVIDER_IDS)) {
      expect(findProvider({ providerId: id })?.id, otelName).toBe(id);
    }
  });

  it('records the installed genai-prices version as the price data version', () => {
    const candidates = ['../../node_modules', '../node_modules'].map(
      (dir) => new URL(`${dir}/@pydantic/genai-prices/package.json`, import.meta.url),
    );
    const file = candidates.find((url) => existsSync(url))!;
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(GENAI_PRICES_VERSION);
  });
});

describe('price overrides', () => {
  const overrides = parsePriceOverrides({
    version: '2026-11-01',
    models: [
      {
        provider: 'ollama',
        match: 'llama3*',
        input_per_mtok: 0.1,
        output_per_mtok: 0.2,
        cache_read_per_mtok: 0.01,
      },
      { match: { regex: '^acme/.*-ft$' }, input_per_mtok: 2, output_per_mtok: 8 },
      { provider: 'openai', match: 'gpt-4o', input_per_mtok: 1, output_per_mtok: 4 },
    ],
  });
  const pricer = createPricer({ overrides });

  it('prices custom models from the override file', () => {
    const facts = chatFacts('ollama', 'llama3.1:8b', {
      inputTokens: 3_000_000,
      cacheReadTokens: 1_000_000,
      outputTokens: 1_000_000,
    });
    // 2M uncached × 0.1 + 1M cache read × 0.01 + 1M output × 0.2; cache writes default to the input price.
    expect(pricer.price(facts, AT)).toEqual({
      costUsd: expect.closeTo(0.41, 10),
      inputCostUsd: expect.closeTo(0.21, 10),
      outputCostUsd: expect.closeTo(0.2, 10),
      priceSource: 'override',
      priceEntry: 'ollama/llama3*',
      priceDataVersion: 'override:2026-11-01',
      unpriced: false,
    });
  });

  it('matches regex entries for any provider, and prices cache writes at the input price by default', () => {
    const facts = chatFacts('openai', 'acme/support-ft', {
      inputTokens: 1_000_000,
      cacheWriteTokens: 500_000,
    });
    expect(pricer.price(facts, AT)).toMatchObject({ costUsd: 2, priceEntry: 'openai/regex:^acme/.*-ft$' });
  });

  it('is checked before genai-prices, but only for its provider', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(pricer.price(chatFacts('openai', 'gpt-4o', usage), AT)).toMatchObject({
      costUsd: 5,
      priceSource: 'override',
    });
    expect(pricer.price(chatFacts('azure.ai.openai', 'gpt-4o', usage), AT)?.priceSource).toBe('genai-prices');
  });

  it('accepts the file as JSON text', () => {
    const parsed = parsePriceOverrides(
      '{"version":"v2","models":[{"match":"m","input_per_mtok":1,"output_per_mtok":1}]}',
    );
    expect(parsed.version).toBe('v2');
    expect(parsed.models).toHaveLength(1);
  });

  it.each([
    [{ models: [] }, 'version'],
    [{ version: '1', models: {} }, 'models'],
    [{ version: '1', models: [{ input_per_mtok: 1, output_per_mtok: 1 }] }, 'models[0].match'],
    [
      { version: '1', models: [{ match: 'm', input_per_mtok: '0.1', output_per_mtok: 1 }] },
      'models[0].input_per_mtok',
    ],
    [{ version: '1', models: [{ match: 'm', input_per_mtok: 1 }] }, 'models[0].output_per_mtok'],
    [
      { version: '1', models: [{ match: 'm', input_per_mtok: -1, output_per_mtok: 1 }] },
      'models[0].input_per_mtok',
    ],
    [
      { version: '1', models: [{ match: 'm', input_per_mtok: 1, output_per_mtok: 1, input_per_mtoken: 2 }] },
      'models[0].input_per_mtoken',
    ],
    [
      { version: '1', models: [{ match: { regex: '(' }, input_per_mtok: 1, output_per_mtok: 1 }] },
      'models[0].match.regex',
    ],
    [
      { version: '1', models: [{ match: 'm', provider: 7, input_per_mtok: 1, output_per_mtok: 1 }] },
      'models[0].provider',
    ],
    [{ version: '1', models: [], extra: true }, 'extra'],
    ['{"version": ', '(file)'],
    [[], '(file)'],
  ])('rejects a bad file, naming the field: %j', (file, field) => {
    let error: unknown;
    try {
      parsePriceOverrides(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PriceOverrideError);
    expect((error as PriceOverrideError).field).toBe(field);
    expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
  });
});
