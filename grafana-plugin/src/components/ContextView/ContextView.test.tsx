import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { agentTrace, genai, span } from '../../../test/fixtures';
import { ContextView } from './ContextView';

describe('ContextView', () => {
  it('shows per LLM call the new messages and how the input tokens grew', () => {
    render(<ContextView spans={agentTrace()} />);
    const first = screen.getByTestId('context-step-0');
    const second = screen.getByTestId('context-step-1');
    // every call starts collapsed: a row of numbers, no messages
    expect(screen.queryByTestId('context-new-messages')).toBeNull();
    fireEvent.click(within(first).getByRole('button', { expanded: false }));
    fireEvent.click(within(second).getByRole('button', { expanded: false }));

    expect(within(first).getByTestId('context-tokens').textContent).toBe('1200 input tokens');
    expect(within(first).queryByTestId('context-delta')).toBeNull();
    const firstNew = within(within(first).getByTestId('context-new-messages')).getAllByTestId('message');
    expect(firstNew.map((m) => m.getAttribute('data-role'))).toEqual(['user']);

    expect(within(second).getByTestId('context-tokens').textContent).toBe('1650 input tokens');
    expect(within(second).getByTestId('context-delta').textContent).toBe('+450');
    // the user message carried over; the assistant's tool calls and both tool results are new
    const secondNew = within(within(second).getByTestId('context-new-messages')).getAllByTestId('message');
    expect(secondNew.map((m) => m.getAttribute('data-role'))).toEqual(['assistant', 'tool', 'tool']);
    expect(second.textContent).toContain('4 messages in context, 3 new');
    expect(second.textContent).not.toContain('dropped');
  });

  it('flags a context that was truncated, per agent', () => {
    const msg = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
    const call = (id: string, start: number, input: string[], tokens: number) =>
      span({
        spanId: id,
        name: 'chat',
        start,
        duration: 1,
        genai: genai({
          agentName: 'summariser',
          requestModel: 'm',
          inputMessages: input.map(msg),
          usage: {
            inputTokens: tokens,
            outputTokens: 1,
            cacheReadTokens: null,
            cacheWriteTokens: null,
            reasoningTokens: null,
          },
        }),
      });
    render(
      <ContextView
        spans={[call('a', 0, ['one', 'two', 'three'], 900), call('b', 5, ['summary', 'four'], 300)]}
      />,
    );
    const step = screen.getByTestId('context-step-1');
    fireEvent.click(within(step).getByRole('button', { expanded: false }));
    expect(within(step).getByTestId('context-delta').textContent).toBe('−600');
    expect(step.textContent).toContain('3 earlier messages dropped or rewritten');
    expect(within(step).getByText('summary')).toBeTruthy();
  });

  it('has an empty state without LLM calls', () => {
    render(<ContextView spans={[span({ spanId: 'x', name: 'http', start: 0, duration: 1 })]} />);
    expect(screen.getByText(/No LLM calls in this trace/)).toBeTruthy();
  });
});
