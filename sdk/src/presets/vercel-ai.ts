// Vercel AI SDK: the `ai` package traces itself when a call passes `experimental_telemetry`; this builds those
// settings so every call is traced with Beacon's content-capture choice.
import type { AttributeValue } from '@opentelemetry/api';

export interface AiTelemetryOptions {
  /** Names the call site; the AI SDK records it as `ai.telemetry.functionId` (Beacon shows it as the agent). */
  functionId?: string;
  /** Recorded as `ai.telemetry.metadata.<key>` on the call's spans. */
  metadata?: Record<string, AttributeValue>;
  /** Record prompts and outputs; default: the `captureContent` given to `init()`. */
  captureContent?: boolean;
}

/** The shape of the AI SDK's `TelemetrySettings` that this helper fills (structural: no dependency on `ai`). */
export interface AiTelemetrySettings {
  isEnabled: true;
  recordInputs: boolean;
  recordOutputs: boolean;
  functionId?: string;
  metadata?: Record<string, AttributeValue>;
}

export function buildAiTelemetry(
  options: AiTelemetryOptions,
  defaultCaptureContent: boolean,
): AiTelemetrySettings {
  const capture = options.captureContent ?? defaultCaptureContent;
  return {
    isEnabled: true,
    recordInputs: capture,
    recordOutputs: capture,
    ...(options.functionId !== undefined ? { functionId: options.functionId } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  };
}
