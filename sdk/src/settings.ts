// Process-wide SDK settings: what init() (or createTestTracing / configure) decided about content capture,
// redaction and where the SDK's own warnings go. The helpers read them at call time, so they work with or
// without init() (e.g. under a test tracer provider).

/** Where the SDK reports its own problems (never the agent's). */
export interface BeaconLogger {
  warn(message: string): void;
}

export type Redactor = (text: string) => string;

export interface ContentSettings {
  /** Record prompts, completions, tool arguments and results on spans. Off unless asked for. */
  captureContent: boolean;
  /** Applied to every captured content string before it is put on a span. */
  redact: Redactor | undefined;
  logger: BeaconLogger;
}

const CAPTURE_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** The OTel opt-in env var: content capture is on only when it says `true`. */
export function captureContentFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CAPTURE_ENV]?.trim().toLowerCase() === 'true';
}

const consoleLogger: BeaconLogger = { warn: (message) => console.warn(message) };

// Kept on globalThis (like @opentelemetry/api's globals) so that two copies of this module — the built package
// and its sources, or two installed versions — share one configuration.
const SETTINGS_KEY = Symbol.for('beacon.sdk.settings');
type Global = { [SETTINGS_KEY]?: ContentSettings };

function defaults(): ContentSettings {
  return { captureContent: captureContentFromEnv(), redact: undefined, logger: consoleLogger };
}

export function settings(): ContentSettings {
  const global = globalThis as Global;
  global[SETTINGS_KEY] ??= defaults();
  return global[SETTINGS_KEY];
}

export interface ConfigureOptions {
  captureContent?: boolean;
  redact?: Redactor;
  logger?: BeaconLogger;
}

/**
 * Sets content capture, redaction and the warning logger without starting any export (init() calls this; tests
 * and hosts with their own OTel setup may call it directly). Unset options go back to their defaults.
 */
export function configure(options: ConfigureOptions = {}): void {
  (globalThis as Global)[SETTINGS_KEY] = {
    captureContent: options.captureContent ?? captureContentFromEnv(),
    redact: options.redact,
    logger: options.logger ?? consoleLogger,
  };
}
