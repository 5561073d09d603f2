// A word diff as running text: inserted words underlined in green, deleted ones struck through in red.
import type { DiffOp } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { diffWords } from 'diff';

/** Word diff from `before` to `after`, in the collector's DiffOp shape (jsdiff does the diffing). */
export function wordDiff(before: string, after: string): DiffOp[] {
  return diffWords(before, after).map((change) => ({
    op: change.added ? 'insert' : change.removed ? 'delete' : 'equal',
    text: change.value,
  }));
}

export interface DiffViewProps {
  ops: readonly DiffOp[];
  /** Names the diff for assistive technology, e.g. "Original → replay". */
  label: string;
  testId?: string;
}

export function DiffView({ ops, label, testId = 'diff' }: DiffViewProps) {
  const styles = useStyles2(getStyles);
  const inserted = ops.filter((o) => o.op === 'insert').length;
  const deleted = ops.filter((o) => o.op === 'delete').length;
  return (
    <figure className={styles.figure} aria-label={label} data-testid={testId}>
      <figcaption className={styles.caption}>
        {label}:{' '}
        {inserted + deleted === 0
          ? 'identical'
          : `${inserted} insertion${inserted === 1 ? '' : 's'}, ${deleted} deletion${deleted === 1 ? '' : 's'}`}
      </figcaption>
      <div className={styles.text}>
        {ops.map((op, i) => {
          const key = `${i}-${op.op}`;
          if (op.op === 'insert') {
            return (
              <ins key={key} className={styles.insert} data-testid="diff-insert">
                {op.text}
              </ins>
            );
          }
          if (op.op === 'delete') {
            return (
              <del key={key} className={styles.delete} data-testid="diff-delete">
                {op.text}
              </del>
            );
          }
          return <span key={key}>{op.text}</span>;
        })}
      </div>
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({
    margin: 0,
  }),
  caption: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    marginBottom: theme.spacing(0.5),
  }),
  text: css({
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    padding: theme.spacing(1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    maxHeight: 360,
    overflow: 'auto',
  }),
  insert: css({
    background: theme.colors.success.transparent,
    color: theme.colors.success.text,
    textDecoration: 'underline',
    padding: '0 1px',
    borderRadius: 2,
  }),
  delete: css({
    background: theme.colors.error.transparent,
    color: theme.colors.error.text,
    textDecoration: 'line-through',
    padding: '0 1px',
    borderRadius: 2,
  }),
});
