// Compare's step order and alignment as pure functions: the order two runs of one script are read in must not
// depend on span ids, and the alignment must place an added, removed or changed step where it happened.
import { describe, expect, test } from 'vitest';
import { SpanTree } from '../../src/analysis/span-tree.js';
import { alignSteps, stepsOf } from '../../src/analysis/steps.js';
import { duplicatedPrompt, traceData } from './scenarios.js';

describe('step order', () => {
  test('a child that starts at the same instant as its parent comes after it, whatever the span ids', () => {
    const sc = duplicatedPrompt();
    const { spans } = traceData(sc);
    const root = spans.find((s) => s.spanId === sc.ids.root)!;
    for (const [rootId, childId] of [
      ['ffffffffffffffff', '0000000000000001'],
      ['0000000000000001', 'ffffffffffffffff'],
    ]) {
      const renamed = spans.map((s) => {
        const id = (old: string) => (old === sc.ids.root ? rootId! : old === sc.ids.c1 ? childId! : old);
        return {
          ...s,
          spanId: id(s.spanId),
          parentSpanId: s.parentSpanId === '' ? '' : id(s.parentSpanId),
          startTimeUnixNano: s.spanId === sc.ids.c1 ? root.startTimeUnixNano : s.startTimeUnixNano,
        };
      });
      const steps = stepsOf(new SpanTree([...renamed].reverse()));
      expect(steps.map((s) => s.span.spanId)).toEqual([rootId, childId, sc.ids.c2]);
      expect(steps.map((s) => s.label)).toEqual(['agent faq-bot', 'model call gpt-4o', 'model call gpt-4o']);
      expect(steps.map((s) => s.depth)).toEqual([0, 1, 1]);
    }
  });
});

describe('alignment', () => {
  const steps = (text: string) => text.split(' ');

  test('equal sequences: no edits', () => {
    expect(alignSteps(steps('a b c'), steps('a b c'))).toEqual({ edits: [], exact: true });
  });

  test('one step changed, added or removed: one edit, at that step', () => {
    expect(alignSteps(steps('a b c d'), steps('a b x d')).edits).toEqual([
      { kind: 'changed', step: 2, baselineStep: 2 },
    ]);
    expect(alignSteps(steps('a b c d'), steps('a b x c d')).edits).toEqual([
      { kind: 'added', step: 2, baselineStep: 2 },
    ]);
    expect(alignSteps(steps('a b c d'), steps('a c d')).edits).toEqual([
      { kind: 'removed', step: 1, baselineStep: 1 },
    ]);
  });

  test('repeated steps: the fewest edits, not a cascade of changes', () => {
    const baseline = steps('a b b b c d e f');
    const trace = steps('a b b c d e f g');
    const { edits } = alignSteps(baseline, trace);
    expect(edits.map((e) => e.kind).sort()).toEqual(['added', 'removed']);
  });
});
