import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { agentTrace, T0_MS } from '../../../test/fixtures';
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
});
