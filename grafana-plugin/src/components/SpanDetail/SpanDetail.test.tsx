import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { agentTrace, genai, span as makeSpan, ns, T0_MS } from '../../../test/fixtures';
import { SpanDetail } from './SpanDetail';

const spanById = (id: string) => agentTrace().find((s) => s.spanId === id)!;

describe('SpanDetail', () => {
  it("renders an LLM call's conversation, tokens, cost, model and finish reason", () => {
    render(<SpanDetail span={spanById('llm2')} traceStartMs={T0_MS} />);

    const messages = screen.getAllByTestId('message');
    expect(messages.map((m) => m.getAttribute('data-role'))).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
    ]);
    expect(within(messages[0]!).getByText('You are a travel planner.')).toBeTruthy();
    expect(within(messages[1]!).getByText('Plan a weekend in Lisbon')).toBeTruthy();
    // the earlier assistant turn's tool calls, and the tool results, inside the conversation
    expect(within(messages[2]!).getAllByTestId('message-tool-call')).toHaveLength(2);
    expect(within(messages[2]!).getByText(/"query": "Lisbon hotels"/)).toBeTruthy();
    expect(within(messages[3]!).getByText(/Hotel Avenida, 120 EUR/)).toBeTruthy();
    expect(within(messages[5]!).getByText('Stay at Hotel Avenida; pack an umbrella.')).toBeTruthy();

    const facts = screen.getByTestId('llm-facts');
    expect(within(facts).getByText('gpt-4o → gpt-4o-2024-08-06')).toBeTruthy();
    expect(within(facts).getByText('openai')).toBeTruthy();
    expect(within(facts).getByText('1650 (1024 cache read)')).toBeTruthy();
    expect(within(facts).getByText('40')).toBeTruthy();
    expect(within(facts).getByText('1690')).toBeTruthy();
    expect(within(facts).getByText('$0.0029')).toBeTruthy();
    expect(within(facts).getByText('stop')).toBeTruthy();
    expect(screen.getByText(/\(\+70 ms\)$/)).toBeTruthy();
  });

  it("renders a tool call's input and output JSON", () => {
    render(<SpanDetail span={spanById('tool1')} />);
    const args = screen.getByTestId('tool-arguments').textContent ?? '';
    expect(JSON.parse(args)).toEqual({ query: 'Lisbon hotels', limit: 3 });
    expect(args).toContain('\n  "query": "Lisbon hotels"'); // pretty-printed
    expect(JSON.parse(screen.getByTestId('tool-result').textContent ?? '')).toEqual({
      results: [{ name: 'Hotel Avenida', price: 120 }],
    });
    expect(screen.queryByTestId('conversation')).toBeNull();
  });

  it('shows an error with its status message and the exception with its stack', () => {
    render(<SpanDetail span={spanById('tool2')} />);
    expect(screen.getByText('weather API timed out')).toBeTruthy();
    const exception = screen.getByTestId('exception');
    expect(within(exception).getByText('TimeoutError')).toBeTruthy();
    expect(exception.textContent).toContain('weather API timed out after 60ms');
    expect(exception.textContent).toContain('at fetchWeather (tools.ts:42:11)');
    expect(screen.getByTestId('tool-result').textContent).toBe('(not recorded)');
  });

  it('says when a model call has no price', () => {
    const span = spanById('llm1');
    span.genai = { ...span.genai!, costUsd: null, unpriced: true };
    render(<SpanDetail span={span} />);
    expect(screen.getByText('unpriced (no known price for this model)')).toBeTruthy();
    expect(screen.getByText('tool_calls')).toBeTruthy();
  });

  it('shows only the messages new since the previous call of a long history, and all of them on demand', () => {
    const say = (i: number) => ({
      role: i % 2 ? 'assistant' : 'user',
      parts: [{ type: 'text', content: `turn ${i}` }],
    });
    const history = (n: number) => Array.from({ length: n }, (_, i) => say(i));
    const call = (id: string, start: number, n: number) =>
      makeSpan({
        spanId: id,
        parentSpanId: 'inv',
        name: 'chat gpt-4o',
        start,
        duration: 1,
        genai: genai({
          agentName: 'coder',
          requestModel: 'gpt-4o',
          inputMessages: history(n),
          outputMessages: [say(n)],
        }),
      });
    const spans = [
      makeSpan({
        spanId: 'inv',
        name: 'invoke_agent coder',
        start: 0,
        duration: 10,
        genai: genai({ operation: 'invoke_agent', agentName: 'coder' }),
      }),
      call('early', 1, 58),
      call('late', 5, 60),
    ];
    render(<SpanDetail span={spans[2]!} spans={spans} replay={false} />);
    const texts = () => screen.getAllByTestId('message').map((m) => m.textContent ?? '');
    // the two input messages the previous call did not send, and the answer
    expect(texts()).toHaveLength(3);
    expect(texts()[0]).toContain('turn 58');
    expect(texts()[2]).toContain('turn 60');
    expect(screen.getByTestId('conversation-hidden').textContent).toContain('58 earlier messages');

    fireEvent.click(screen.getByRole('button', { name: 'Show all 61 messages' }));
    expect(texts()).toHaveLength(61);
    expect(screen.queryByTestId('conversation-hidden')).toBeNull();
  });

  it('says an error once when the status and the exception repeat each other', () => {
    const message = 'Error code: 400 - context_length_exceeded';
    const failed = makeSpan({
      spanId: 'x',
      name: 'chat gpt-4o',
      start: 0,
      duration: 1,
      statusCode: 'Error',
      statusMessage: message,
      attributes: { 'error.type': 'BadRequestError' },
      events: [
        {
          timeUnixNano: ns(1),
          name: 'exception',
          attributes: { 'exception.type': 'BadRequestError', 'exception.message': message },
        },
      ],
      genai: genai({ requestModel: 'gpt-4o', errorType: 'BadRequestError' }),
    });
    render(<SpanDetail span={failed} replay={false} />);
    const detail = screen.getByTestId('span-detail');
    expect(detail.textContent?.split(message)).toHaveLength(2);
    expect(detail.textContent?.split('BadRequestError')).toHaveLength(2);
  });
});
