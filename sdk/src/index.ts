// @beacon/sdk: one call to instrument an AI agent with OpenTelemetry, GenAI span helpers, guards.
// Test helpers are in @beacon/sdk/testing.
export type { MessageInput } from './content.js';
export type { OtlpProtocol } from './exporter.js';
export {
  AgentGuard,
  type AgentGuardOptions,
  AgentTimeoutError,
  BudgetExceededError,
  type BudgetLimits,
  currentRun,
  GUARD_ATTRIBUTES,
  GUARD_EVENT,
  GuardError,
  type GuardName,
  type GuardRun,
  LoopDetectedError,
  type RemoteBudgetCheck,
  RemoteBudgetExceededError,
  type RemoteBudgetOptions,
} from './guards.js';
export {
  type AgentOptions,
  agent,
  type ToolOptions,
  tool,
  type WorkflowOptions,
  workflow,
  wrapAgent,
  wrapTool,
  wrapWorkflow,
} from './helpers.js';
export { type BeaconHandle, type InitOptions, init } from './init.js';
export {
  type InferenceOperation,
  type LlmCallOptions,
  type LlmRequestParams,
  type LlmResponse,
  type LlmSpan,
  llmCall,
  readProviderChunk,
  readProviderResponse,
  type Usage,
  wrapLlmCall,
} from './llm.js';
export {
  type AiTelemetryOptions,
  type AiTelemetrySettings,
  aiTelemetry,
  type ClientModules,
  type InstrumentClientsOptions,
  instrumentClients,
  PRESET_NAMES,
  type PresetName,
} from './presets/index.js';
export { type BeaconLogger, type ConfigureOptions, configure, type Redactor } from './settings.js';
