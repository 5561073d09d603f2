import { describe, expect, it } from 'vitest';
import { genai, span } from '../../test/fixtures';
import { contextGrowth, contextStepOf, diffInput, type Message } from './messages';

const msg = (text: string, role = 'user'): Message => ({ role, parts: [{ type: 'text', content: text }] });
const texts = (messages: Message[]) => messages.map((m) => (m.parts[0] as { content: string }).content);

describe('diffInput', () => {
  it('takes a grown conversation as its common prefix plus the new messages', () => {
    const before = [msg('task'), msg('a', 'assistant')];
    const after = [msg('task'), msg('a', 'assistant'), msg('b', 'tool'), msg('c', 'assistant')];
    expect(diffInput(before, after)).toEqual({ newFrom: 2, dropped: 0 });
  });

  it('finds the new messages of a sliding window that dropped its oldest ones', () => {
    // the first message, then the latest 4: two more arrived, two old ones fell out
    const history = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((t) => msg(t, 'assistant'));
    const before = [msg('task'), ...history.slice(0, 4)];
    const after = [msg('task'), ...history.slice(2, 6)];
    const diff = diffInput(before, after);
    expect(diff.dropped).toBe(2);
    expect(texts(after.slice(diff.newFrom))).toEqual(['h5', 'h6']);
  });

  it('calls everything new when nothing carried over', () => {
    expect(diffInput([msg('one'), msg('two')], [msg('three')])).toEqual({ newFrom: 0, dropped: 2 });
  });
});

describe('contextGrowth', () => {
  const agent = (id: string, start: number) =>
    span({
      spanId: id,
      name: 'invoke_agent coder',
      start,
      duration: 10,
      genai: genai({ operation: 'invoke_agent', agentName: 'coder' }),
    });
  const call = (id: string, parent: string, start: number, input: string[]) =>
    span({
      spanId: id,
      parentSpanId: parent,
      name: 'chat',
      start,
      duration: 1,
      genai: genai({ agentName: 'coder', requestModel: 'm', inputMessages: input.map((t) => msg(t)) }),
    });

  it('starts a new context with each invocation of the agent', () => {
    const spans = [
      agent('inv1', 0),
      call('a', 'inv1', 1, ['task 1']),
      call('b', 'inv1', 2, ['task 1', 'more']),
      agent('inv2', 20),
      call('c', 'inv2', 21, ['task 2']),
    ];
    const [coder] = contextGrowth(spans);
    expect(coder!.steps.map((s) => s.previous?.spanId ?? null)).toEqual([null, 'a', null]);
    expect(coder!.steps[2]!.droppedMessages).toBe(0);
    expect(texts(coder!.steps[1]!.newMessages)).toEqual(['more']);
    // one call's step alone gives the same answer
    expect(contextStepOf(spans[2]!, spans)?.previous?.spanId).toBe('a');
    expect(contextStepOf(spans[4]!, spans)?.previous).toBeNull();
  });
});
