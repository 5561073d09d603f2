// The shape every convention mapper has, so that normalizeGenAISpan can run them from one ordered list
// (conventions/index.ts) without knowing any convention by name.

import type { GenAIFacts, Message, MessagePart, SpanInput } from './model.js';

/** The content a span carries in one convention's attributes or events, in OTel message shape. */
export interface ConventionMessages {
  systemInstructions: MessagePart[];
  inputMessages: Message[];
  outputMessages: Message[];
}

export interface ConventionMapper {
  /** Names the entry in the registry (logs, tests); the facts' own `convention` field says what was read. */
  readonly name: string;
  /** True when the span carries this convention's signal attributes or events. */
  detect(input: SpanInput): boolean;
  /** The facts this convention's attributes say; null exactly when `detect` is false. */
  normalize(input: SpanInput): GenAIFacts | null;
  /** The span's messages as this convention writes them (`normalize` fills the facts' messages with these). */
  messages(input: SpanInput): ConventionMessages;
  /**
   * The attributes `messages` reads message content from: exact keys and key prefixes. A view that shows the
   * messages replaces these attributes' long values with a note rather than send the content twice.
   */
  readonly contentAttributes: MessageContentAttributes;
}

export interface MessageContentAttributes {
  readonly keys: readonly string[];
  readonly prefixes: readonly string[];
}
