// Word diff of two completions (jsdiff's diffWordsWithSpace: whitespace runs are tokens too, so joining the ops of
// one side gives back that side's text exactly).
import { diffWordsWithSpace } from 'diff';
import type { DiffOp } from '../contract/index.js';

export function wordDiff(before: string, after: string): DiffOp[] {
  return diffWordsWithSpace(before, after).map(
    (change): DiffOp => ({
      op: change.added ? 'insert' : change.removed ? 'delete' : 'equal',
      text: change.value,
    }),
  );
}
