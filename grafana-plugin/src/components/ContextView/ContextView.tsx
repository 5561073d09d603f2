// How an agent's context window grew between its successive LLM calls: per call the messages that were new
// since the previous call (the diff of the input messages) and the input token count.
import type { SpanView } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { EmptyState, RadioButtonGroup, Text, useStyles2 } from '@grafana/ui';
import { useMemo, useState } from 'react';
import { formatTokens } from '../../utils/format';
import { contextGrowth } from '../../utils/messages';
import { MessageView } from '../SpanDetail/Conversation';

export interface ContextViewProps {
  spans: readonly SpanView[];
  selectedSpanId?: string | null;
  onSelect?: (spanId: string) => void;
}

function signed(n: number): string {
  return n > 0 ? `+${formatTokens(n)}` : n < 0 ? `−${formatTokens(-n)}` : '±0';
}

export function ContextView({ spans, selectedSpanId, onSelect }: ContextViewProps) {
  const styles = useStyles2(getStyles);
  const agents = useMemo(() => contextGrowth(spans), [spans]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);

  if (agents.length === 0) {
    return (
      <EmptyState variant="not-found" message="No LLM calls in this trace, so there is no context to show." />
    );
  }
  const agent =
    agents.find((a) => a.agent === chosen) ?? [...agents].sort((a, b) => b.steps.length - a.steps.length)[0]!;
  const maxTokens = Math.max(1, ...agent.steps.map((s) => s.inputTokens ?? 0));

  return (
    <div className={styles.container} data-testid="context-view">
      {agents.length > 1 && (
        <RadioButtonGroup
          size="sm"
          options={agents.map((a) => ({ label: `${a.agent} (${a.steps.length})`, value: a.agent }))}
          value={agent.agent}
          onChange={setChosen}
        />
      )}
      <Text color="secondary" variant="bodySmall" element="p">
        {agent.agent}: {agent.steps.length} LLM call{agent.steps.length === 1 ? '' : 's'}. Each step lists the
        messages its input had that the previous call's input did not.
      </Text>
      <ol className={styles.steps}>
        {agent.steps.map((step) => (
          <li
            key={step.span.spanId}
            className={cx(styles.step, selectedSpanId === step.span.spanId && styles.selected)}
            data-testid={`context-step-${step.index}`}
          >
            <div className={styles.header}>
              <button type="button" className={styles.title} onClick={() => onSelect?.(step.span.spanId)}>
                Call {step.index + 1}: {step.span.name}
              </button>
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
            </div>
            <div className={styles.track} aria-hidden>
              <div
                className={styles.fill}
                style={{ width: `${((step.inputTokens ?? 0) / maxTokens) * 100}%` }}
              />
            </div>
            <div className={styles.meta}>
              {step.messageCount} message{step.messageCount === 1 ? '' : 's'} in context,{' '}
              {step.newMessages.length} new
              {step.droppedMessages > 0 && (
                <span className={styles.warning}>
                  {' '}
                  · {step.droppedMessages} earlier message{step.droppedMessages === 1 ? '' : 's'} dropped or
                  rewritten
                </span>
              )}
              {step.systemChanged && <span className={styles.warning}> · system instructions changed</span>}
            </div>
            <div className={styles.messages} data-testid="context-new-messages">
              {step.newMessages.map((message, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed
                <MessageView key={i} message={message} variant="new" />
              ))}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  steps: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  }),
  step: css({
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    paddingLeft: theme.spacing(1.5),
  }),
  selected: css({
    borderLeftColor: theme.colors.primary.main,
  }),
  header: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(1.5),
    flexWrap: 'wrap',
  }),
  title: css({
    all: 'unset',
    cursor: 'pointer',
    fontWeight: theme.typography.fontWeightMedium,
    '&:hover': { textDecoration: 'underline' },
  }),
  grew: css({
    color: theme.colors.warning.text,
  }),
  shrank: css({
    color: theme.colors.success.text,
  }),
  track: css({
    height: 6,
    margin: theme.spacing(0.5, 0),
    background: theme.colors.background.secondary,
    borderRadius: 3,
  }),
  fill: css({
    height: '100%',
    borderRadius: 3,
    background: theme.visualization.getColorByName('blue'),
  }),
  meta: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  warning: css({
    color: theme.colors.warning.text,
  }),
  messages: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  }),
});
