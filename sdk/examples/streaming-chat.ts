// Example (c): a streaming chat. The completion is streamed with `stream_options.include_usage`; `llmCall` reads
// the chunks as they pass, so the span carries the full completion (with content capture on), the finish reason,
// the time to first chunk and the final usage.
import { agent, llmCall } from '@beacon/sdk';
import { DEFAULT_MODEL, type ExampleOptions, openaiClient } from './shared.js';

export const AGENT_NAME = 'chat-assistant';

export interface StreamingChatResult {
  traceId: string;
  text: string;
  chunks: number;
}

export function run(
  options: ExampleOptions & { prompt?: string; onText?: (delta: string) => void },
): Promise<StreamingChatResult> {
  const client = openaiClient(options);
  const model = options.model ?? DEFAULT_MODEL;
  const messages = [
    { role: 'user' as const, content: options.prompt ?? 'Tell me about the trams of Lisbon.' },
  ];
  return agent(AGENT_NAME, async (span) => {
    const stream = await llmCall({ provider: 'openai', model, messages, stream: true }, () =>
      client.chat.completions.create({
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      const delta = chunk.choices[0]?.delta?.content ?? '';
      text += delta;
      if (delta) options.onText?.(delta);
    }
    return { traceId: span.spanContext().traceId, text, chunks };
  });
}
