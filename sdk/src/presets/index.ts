// Auto-instrumentation presets: the maintained OTel / OpenLLMetry instrumentations for the clients agents use,
// plus Beacon's fills for their gaps (each module's header says exactly which gap), and the Vercel AI SDK's
// telemetry settings.
//
// CommonJS applications are instrumented by NodeSDK's require hook alone. ESM applications (`import OpenAI from
// 'openai'`) load a separate ESM build that the require hook never sees: call `instrumentClients({ openai:
// OpenAIModule, ... })` with the imported modules once after `init()` (or start node with
// `--experimental-loader=@opentelemetry/instrumentation/hook.mjs`).
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { settings } from '../settings.js';
import {
  ANTHROPIC_PACKAGE,
  type BeaconAnthropicInstrumentation,
  createAnthropicInstrumentation,
} from './anthropic.js';
import { isInstalled } from './installed.js';
import {
  type BeaconLangChainInstrumentation,
  createLangChainInstrumentation,
  LANGCHAIN_PACKAGE,
} from './langchain.js';
import { type BeaconOpenAIInstrumentation, createOpenAIInstrumentation, OPENAI_PACKAGE } from './openai.js';
import { type AiTelemetryOptions, type AiTelemetrySettings, buildAiTelemetry } from './vercel-ai.js';

export type { AiTelemetryOptions, AiTelemetrySettings } from './vercel-ai.js';

export type PresetName = 'openai' | 'anthropic' | 'langchain';

export const PRESET_NAMES: readonly PresetName[] = ['openai', 'anthropic', 'langchain'];

export interface PresetOptions {
  /** Record prompts and completions on spans (off by default; see init's captureContent). */
  captureContent: boolean;
}

interface PresetInstrumentations {
  openai: BeaconOpenAIInstrumentation;
  anthropic: BeaconAnthropicInstrumentation;
  langchain: BeaconLangChainInstrumentation;
}

/** The package each preset instruments; the preset is skipped when the application does not have it. */
const TARGET_PACKAGE: Record<PresetName, string> = {
  openai: OPENAI_PACKAGE,
  anthropic: ANTHROPIC_PACKAGE,
  langchain: LANGCHAIN_PACKAGE,
};

const FACTORIES: { [N in PresetName]: (captureContent: boolean) => PresetInstrumentations[N] } = {
  openai: createOpenAIInstrumentation,
  anthropic: createAnthropicInstrumentation,
  langchain: createLangChainInstrumentation,
};

/** The instrumentations handed to the last `init()`, so `instrumentClients` patches through the same ones. */
const active: Partial<PresetInstrumentations> = {};

/** What init() / configure() decided (else OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT). */
function defaultCaptureContent(): boolean {
  return settings().captureContent;
}

/** The instrumentations of the named presets, ready for NodeSDK's `instrumentations`. */
export function presetInstrumentations(
  names: readonly PresetName[],
  options: PresetOptions,
): Instrumentation[] {
  const instrumentations: Instrumentation[] = [];
  for (const name of new Set(names)) {
    if (!isInstalled(TARGET_PACKAGE[name])) continue;
    try {
      const instrumentation = FACTORIES[name](options.captureContent);
      (active as Record<PresetName, Instrumentation>)[name] = instrumentation;
      instrumentations.push(instrumentation);
    } catch {
      // An instrumentation that fails to load must not break the agent: that client is simply not traced.
    }
  }
  return instrumentations;
}

function activeOrNew<N extends PresetName>(
  name: N,
  captureContent: boolean | undefined,
): PresetInstrumentations[N] {
  const existing = active[name];
  if (existing && captureContent === undefined) return existing;
  // Not set up by init() (or a different capture choice): a new instance traces through the global providers.
  const created = FACTORIES[name](captureContent ?? defaultCaptureContent());
  if (!existing) active[name] = created;
  return created;
}

/** Client modules as the application imported them: `import * as OpenAIModule from 'openai'`, ... */
export interface ClientModules {
  /** `import * as OpenAIModule from 'openai'` (or `require('openai')`). */
  openai?: unknown;
  /** `import * as AnthropicModule from '@anthropic-ai/sdk'`. */
  anthropic?: unknown;
  /** `import * as CallbackManagerModule from '@langchain/core/callbacks/manager'`. */
  langchain?: unknown;
}

export interface InstrumentClientsOptions {
  /** Default: the `captureContent` given to `init()`, else OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT. */
  captureContent?: boolean;
}

/**
 * Instruments client modules the application imported (the ESM path): patches exactly those module objects,
 * through the instrumentations `init()` registered. Idempotent; a module already instrumented (e.g. the CJS build
 * by the require hook) is left alone. Returns the presets that were applied.
 */
export function instrumentClients(
  modules: ClientModules,
  options: InstrumentClientsOptions = {},
): PresetName[] {
  const applied: PresetName[] = [];
  const apply = (name: PresetName, moduleExports: unknown, patch: () => boolean) => {
    if (moduleExports === undefined) return;
    try {
      if (patch()) applied.push(name);
    } catch {
      // As in presetInstrumentations: a client that cannot be instrumented is left untraced, never broken.
    }
  };
  apply('openai', modules.openai, () =>
    activeOrNew('openai', options.captureContent).manuallyInstrument(modules.openai),
  );
  apply('anthropic', modules.anthropic, () =>
    activeOrNew('anthropic', options.captureContent).instrumentModule(modules.anthropic),
  );
  apply('langchain', modules.langchain, () =>
    activeOrNew('langchain', options.captureContent).instrumentModule(modules.langchain),
  );
  return applied;
}

/**
 * `experimental_telemetry` settings for the Vercel AI SDK: `generateText({ ..., experimental_telemetry:
 * aiTelemetry({ functionId: 'support-agent' }) })`. Inputs and outputs are recorded only with content capture on.
 */
export function aiTelemetry(options: AiTelemetryOptions = {}): AiTelemetrySettings {
  return buildAiTelemetry(options, defaultCaptureContent());
}
