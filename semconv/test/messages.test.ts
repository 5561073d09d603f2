import { describe, expect, it } from 'vitest';
import { parseSystemInstructions } from '../src/conventions/otel.js';
import { parseVercelPromptMessages } from '../src/conventions/vercel-ai.js';
import { normalizeMessage, parseOtelMessages } from '../src/messages.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { span } from './spans.js';

describe('message parsing', () => {
  it('keeps malformed JSON as a text part instead of throwing', () => {
    const broken = '[{"role":"user","parts":[{"type":"text","content":"Hel';
    expect(parseOtelMessages(broken, 'user')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: broken }] },
    ]);
    expect(parseSystemInstructions('{"type": "text", ')).toEqual([
      { type: 'text', content: '{"type": "text", ' },
    ]);
  });

  it('keeps malformed message content on a real span', () => {
    const facts = normalizeGenAISpan(
      span('chat gpt-4o', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.output.messages': '[{"role":"assistant", truncated',
      }),
    );
    expect(facts?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: '[{"role":"assistant", truncated' }] },
    ]);
  });

  it('keeps text that happens to be JSON as text (structured output)', () => {
    const message = normalizeMessage({ role: 'assistant', content: '{"answer": 42}' }, 'assistant');
    expect(message?.parts).toEqual([{ type: 'text', content: '{"answer": 42}' }]);
  });

  it('reads OpenAI chat messages: tool calls and tool results', () => {
    const messages = parseOtelMessages(
      [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
      ],
      'user',
    );
    expect(messages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'f', arguments: { x: 1 } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'done' }] },
    ]);
  });

  it('reads Anthropic content blocks', () => {
    const message = normalizeMessage(
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need the weather.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
        ],
      },
      'assistant',
    );
    expect(message?.parts).toEqual([
      { type: 'reasoning', content: 'Need the weather.' },
      { type: 'tool_call', id: 'toolu_1', name: 'weather', arguments: { city: 'Paris' } },
    ]);
  });

  it('reads Vercel AI prompt files as blobs or URIs', () => {
    const [message] = parseVercelPromptMessages(
      JSON.stringify([
        {
          role: 'user',
          content: [
            { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
            { type: 'file', mediaType: 'application/pdf', data: 'https://example.com/a.pdf' },
          ],
        },
      ]),
    );
    expect(message?.parts).toEqual([
      { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' },
      { type: 'uri', mime_type: 'application/pdf', uri: 'https://example.com/a.pdf' },
    ]);
  });

  it('keeps OTel part types it does not interpret', () => {
    const parts = [
      { type: 'server_tool_call', id: 's1', name: 'web_search', server_tool_call: { type: 'web_search' } },
      { type: 'file', modality: 'image', file_id: 'file-abc' },
    ];
    expect(parseOtelMessages([{ role: 'assistant', parts }], 'assistant')[0]?.parts).toEqual(parts);
  });
});
