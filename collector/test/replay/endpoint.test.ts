// Where a replay goes and with which key: the configured key only ever travels to its configured URL.
import { describe, expect, test } from 'vitest';
import { apiErrorOf } from '../../src/api/http.js';
import { DomainError } from '../../src/errors.js';
import { type ProviderSettings, resolveEndpoint } from '../../src/replay/endpoint.js';

const settings: ProviderSettings = {
  openaiBaseUrl: 'https://api.openai.com/v1',
  openaiApiKey: 'configured-openai',
  anthropicBaseUrl: 'https://api.anthropic.com',
  anthropicApiKey: undefined,
  openaiCompatibleBaseUrl: undefined,
  openaiCompatibleApiKey: undefined,
};

function badRequest(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    // A domain error, which the API answers with a 400.
    expect(err).toBeInstanceOf(DomainError);
    expect(apiErrorOf(err)?.status).toBe(400);
    return (err as DomainError).message;
  }
  throw new Error('expected a 400');
}

describe('resolveEndpoint', () => {
  test('the configured URL gets the configured key (a trailing slash is the same URL)', () => {
    expect(resolveEndpoint('openai', { baseUrl: undefined, apiKey: undefined }, settings)).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'configured-openai',
    });
    expect(
      resolveEndpoint('openai', { baseUrl: 'https://api.openai.com/v1/', apiKey: undefined }, settings)
        .apiKey,
    ).toBe('configured-openai');
  });

  test('another URL never gets the configured key, only the request key', () => {
    for (const baseUrl of [
      'https://evil.example/v1',
      'https://api.openai.com.evil.example/v1',
      'http://api.openai.com/v1',
    ]) {
      expect(resolveEndpoint('openai', { baseUrl, apiKey: undefined }, settings)).toEqual({
        baseUrl,
        apiKey: undefined,
      });
      expect(resolveEndpoint('openai', { baseUrl, apiKey: 'mine' }, settings).apiKey).toBe('mine');
    }
  });

  test('the request key wins at the configured URL too', () => {
    expect(resolveEndpoint('openai', { baseUrl: undefined, apiKey: 'mine' }, settings).apiKey).toBe('mine');
  });

  test('a missing key for OpenAI / Anthropic names the setting to set', () => {
    const message = badRequest(() =>
      resolveEndpoint('anthropic', { baseUrl: undefined, apiKey: undefined }, settings),
    );
    expect(message).toBe(
      'apiKey: no key for provider anthropic: set BEACON_ANTHROPIC_API_KEY or pass apiKey',
    );
    expect(
      badRequest(() =>
        resolveEndpoint(
          'openai',
          { baseUrl: undefined, apiKey: undefined },
          { ...settings, openaiApiKey: undefined },
        ),
      ),
    ).toContain('BEACON_OPENAI_API_KEY');
  });

  test('openai_compatible needs a base URL from the request or the configuration; a key is optional', () => {
    expect(
      badRequest(() =>
        resolveEndpoint('openai_compatible', { baseUrl: undefined, apiKey: undefined }, settings),
      ),
    ).toBe('baseUrl: required for openai_compatible unless BEACON_OPENAI_COMPATIBLE_BASE_URL is set');
    const configured = {
      ...settings,
      openaiCompatibleBaseUrl: 'http://localhost:11434/v1',
      openaiCompatibleApiKey: 'local',
    };
    expect(
      resolveEndpoint('openai_compatible', { baseUrl: undefined, apiKey: undefined }, configured),
    ).toEqual({
      baseUrl: 'http://localhost:11434/v1',
      apiKey: 'local',
    });
    expect(
      resolveEndpoint(
        'openai_compatible',
        { baseUrl: 'http://gpu-box:8000/v1', apiKey: undefined },
        configured,
      ),
    ).toEqual({ baseUrl: 'http://gpu-box:8000/v1', apiKey: undefined });
  });
});
