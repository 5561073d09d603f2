// The one entry point for calling a model (replay, and the analysis refinement): dispatches on the provider.
// Both OpenAI and OpenAI-compatible endpoints speak chat completions; Anthropic speaks its Messages API.
import { callAnthropic } from './anthropic.js';
import { callOpenAI } from './openai.js';
import type { CallModel } from './providers.js';

export type { CallModel, ModelCall, ModelCompletion } from './providers.js';
export { ModelCallError } from './providers.js';

export const callModel: CallModel = (call) =>
  call.provider === 'anthropic' ? callAnthropic(call) : callOpenAI(call);
