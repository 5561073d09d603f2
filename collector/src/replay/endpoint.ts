// Where a replay is sent and with which key. A key from the collector's configuration only ever goes to the base
// URL configured beside it: a request naming another URL gets only the key it brings itself, so nobody can send
// the server's key to an endpoint of their choosing.
import type { ReplayProvider } from '../contract/index.js';
import { invalidArgument } from '../errors.js';

/** The provider settings of the collector's configuration (config.ts). */
export interface ProviderSettings {
  openaiApiKey?: string | undefined;
  openaiBaseUrl: string;
  anthropicApiKey?: string | undefined;
  anthropicBaseUrl: string;
  openaiCompatibleBaseUrl?: string | undefined;
  openaiCompatibleApiKey?: string | undefined;
}

export interface Endpoint {
  baseUrl: string;
  apiKey: string | undefined;
}

const CONFIGURED: Record<
  ReplayProvider,
  { url: keyof ProviderSettings; key: keyof ProviderSettings; urlEnv: string; keyEnv: string }
> = {
  openai: {
    url: 'openaiBaseUrl',
    key: 'openaiApiKey',
    urlEnv: 'BEACON_OPENAI_BASE_URL',
    keyEnv: 'BEACON_OPENAI_API_KEY',
  },
  anthropic: {
    url: 'anthropicBaseUrl',
    key: 'anthropicApiKey',
    urlEnv: 'BEACON_ANTHROPIC_BASE_URL',
    keyEnv: 'BEACON_ANTHROPIC_API_KEY',
  },
  openai_compatible: {
    url: 'openaiCompatibleBaseUrl',
    key: 'openaiCompatibleApiKey',
    urlEnv: 'BEACON_OPENAI_COMPATIBLE_BASE_URL',
    keyEnv: 'BEACON_OPENAI_COMPATIBLE_API_KEY',
  },
};

/** URLs compared as the WHATWG parser prints them, ignoring a trailing slash. */
function sameUrl(a: string, b: string): boolean {
  const canonical = (url: string) => {
    try {
      return new URL(url).href.replace(/\/+$/, '');
    } catch {
      return url;
    }
  };
  return canonical(a) === canonical(b);
}

export function resolveEndpoint(
  provider: ReplayProvider,
  request: { baseUrl: string | undefined; apiKey: string | undefined },
  settings: ProviderSettings,
): Endpoint {
  const names = CONFIGURED[provider];
  const configuredUrl = settings[names.url] || undefined;
  const configuredKey = settings[names.key] || undefined;
  const baseUrl = request.baseUrl ?? configuredUrl;
  if (baseUrl === undefined) {
    throw invalidArgument(`baseUrl: required for ${provider} unless ${names.urlEnv} is set`);
  }
  const atConfiguredUrl = configuredUrl !== undefined && sameUrl(baseUrl, configuredUrl);
  const apiKey = request.apiKey ?? (atConfiguredUrl ? configuredKey : undefined);
  // OpenAI's and Anthropic's own APIs always want a key; another URL (a proxy, a local gateway) may not.
  if (apiKey === undefined && provider !== 'openai_compatible' && atConfiguredUrl) {
    throw invalidArgument(`apiKey: no key for provider ${provider}: set ${names.keyEnv} or pass apiKey`);
  }
  return { baseUrl, apiKey };
}
