// One LLM call of the Context view: a one-line summary (call, model, messages, input tokens, growth since the
// previous call), expanded on demand to the messages that were new in its input.
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { formatTokens } from '../../utils/format';
import type { ContextStep } from '../../utils/messages';
import { MessageView } from '../SpanDetail/Conversation';

function signed(n: number): string {
  return n > 0 ? `+${formatTokens(n)}` : n < 0 ? `−${formatTokens(-n)}` : '±0';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface ContextStepRowProps {
  step: ContextStep;
  /** The largest input of the agent's calls: the bar's full width. */
  maxTokens: number;
  expanded: boolean;
  selected: boolean;
  onToggle: () => void;
}

export function ContextStepRow({ step, maxTokens, expanded, selected, onToggle }: ContextStepRowProps) {
  const styles = useStyles2(getStyles);
  const firstOfInvocation = step.previous === null;
  return (
    <div className={cx(styles.step, selected && styles.selected)} data-testid={`context-step-${step.index}`}>
      <button
        type="button"
        className={styles.header}
        onClick={onToggle}
        aria-expanded={expanded}
        title={expanded ? 'Hide its new messages' : 'Show the messages new in this call, and open its detail'}
      >
        <Icon name={expanded ? 'angle-down' : 'angle-right'} />
        <span className={styles.title}>
          Call {step.index + 1}: {step.span.name}
        </span>
        {step.span.statusCode === 'Error' && <span className={styles.failed}>failed</span>}
        {step.model && !step.span.name.includes(step.model) && (
          <span className={styles.muted}>{step.model}</span>
        )}
        <span className={styles.muted}>
          {plural(step.messageCount, 'message')} in context, {step.newMessages.length} new
        </span>
        <span data-testid="context-tokens">
          {step.inputTokens !== null
            ? `${formatTokens(step.inputTokens)} input tokens`
            : 'input tokens unknown'}
        </span>
        {step.deltaTokens !== null && (
          <span
            data-testid="context-delta"
            className={step.deltaTokens > 0 ? styles.grew : styles.shrank}
            title="Change from the previous call"
          >
            {signed(step.deltaTokens)}
          </span>
        )}
        {step.droppedMessages > 0 && (
          <span className={styles.warning}>
            {plural(step.droppedMessages, 'earlier message')} dropped or rewritten
          </span>
        )}
        {step.systemChanged && <span className={styles.warning}>system instructions changed</span>}
        {firstOfInvocation && step.index > 0 && <span className={styles.muted}>new invocation</span>}
      </button>
      <div className={styles.track} aria-hidden>
        <div className={styles.fill} style={{ width: `${((step.inputTokens ?? 0) / maxTokens) * 100}%` }} />
      </div>
      {expanded && (
        <div className={styles.messages} data-testid="context-new-messages">
          {step.newMessages.length === 0 && (
            <div className={styles.muted}>
              No new messages: the same input as the previous call (a retry, or a call without new context).
            </div>
          )}
          {step.newMessages.map((message, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed
            <MessageView key={i} message={message} variant="new" />
          ))}
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  step: css({
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    padding: theme.spacing(0.5, 0, 0.5, 1),
  }),
  selected: css({
    borderLeftColor: theme.colors.primary.main,
    background: theme.colors.action.selected,
  }),
  header: css({
    all: 'unset',
    boxSizing: 'border-box',
    width: '100%',
    cursor: 'pointer',
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(0, 1.5),
    flexWrap: 'wrap',
    '&:hover span:first-of-type': { textDecoration: 'underline' },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  title: css({
    fontWeight: theme.typography.fontWeightMedium,
  }),
  muted: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  grew: css({
    color: theme.colors.warning.text,
  }),
  shrank: css({
    color: theme.colors.success.text,
  }),
  failed: css({
    color: theme.colors.error.text,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  warning: css({
    color: theme.colors.warning.text,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  track: css({
    height: 4,
    margin: theme.spacing(0.5, 0, 0),
    background: theme.colors.background.secondary,
    borderRadius: 2,
  }),
  fill: css({
    height: '100%',
    borderRadius: 2,
    background: theme.visualization.getColorByName('blue'),
  }),
  messages: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(1),
  }),
});
