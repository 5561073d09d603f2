// Auto-instrumentation presets: the maintained OTel / OpenLLMetry instrumentations for the clients agents use,
// plus Beacon's fills for their gaps. Built in [5/9].
import type { Instrumentation } from '@opentelemetry/instrumentation';

export type PresetName = 'openai' | 'anthropic' | 'langchain';

export const PRESET_NAMES: readonly PresetName[] = ['openai', 'anthropic', 'langchain'];

export interface PresetOptions {
  /** Record prompts and completions on spans (off by default; see init's captureContent). */
  captureContent: boolean;
}

/** The instrumentations of the named presets, ready for NodeSDK's `instrumentations`. */
export function presetInstrumentations(_names: readonly PresetName[], _options: PresetOptions): Instrumentation[] {
  return [];
}
