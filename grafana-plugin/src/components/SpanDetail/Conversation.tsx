// LLM messages as a conversation: one bubble per message, parts rendered by type (text, reasoning, tool calls,
// tool results, media references).
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { prettyJson } from '../../utils/format';
import type { Message, MessagePart } from '../../utils/messages';

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : prettyJson(value);
}

export function PartView({ part }: { part: MessagePart }) {
  const styles = useStyles2(getStyles);
  const p = part as Record<string, unknown>;
  switch (part.type) {
    case 'text':
      return <div className={styles.text}>{str(p.content)}</div>;
    case 'reasoning':
      return (
        <details className={styles.reasoning}>
          <summary>Reasoning</summary>
          <div className={styles.text}>{str(p.content)}</div>
        </details>
      );
    case 'tool_call':
      return (
        <div className={styles.toolCall} data-testid="message-tool-call">
          <div className={styles.partTitle}>
            Tool call <code>{str(p.name)}</code>
            {p.id ? <span className={styles.muted}> ({str(p.id)})</span> : null}
          </div>
          {p.arguments !== undefined && <pre className={styles.pre}>{prettyJson(p.arguments)}</pre>}
        </div>
      );
    case 'tool_call_response':
      return (
        <div className={styles.toolCall} data-testid="message-tool-result">
          <div className={styles.partTitle}>
            Tool result{p.id ? <span className={styles.muted}> ({str(p.id)})</span> : null}
          </div>
          <pre className={styles.pre}>{prettyJson(p.response)}</pre>
        </div>
      );
    case 'uri':
      return (
        <div className={styles.muted}>
          [{str(p.modality) || 'media'}] {str(p.uri)}
        </div>
      );
    case 'file':
      return <div className={styles.muted}>[file] {str(p.file_id)}</div>;
    case 'blob':
      return (
        <div className={styles.muted}>
          [{str(p.modality) || 'blob'} {str(p.mime_type)}, {str(p.content).length} chars]
        </div>
      );
    default:
      return <pre className={styles.pre}>{prettyJson(part)}</pre>;
  }
}

export function MessageView({ message, variant }: { message: Message; variant?: 'output' | 'new' }) {
  const styles = useStyles2(getStyles);
  const role = message.role;
  return (
    <div
      className={cx(styles.message, styles.role(role), variant === 'output' && styles.output)}
      data-testid="message"
      data-role={role}
    >
      <div className={styles.roleLabel}>
        {role}
        {message.name ? ` · ${message.name}` : ''}
        {message.finish_reason ? (
          <span className={styles.muted}> · finish: {message.finish_reason}</span>
        ) : null}
      </div>
      {message.parts.length === 0 ? <div className={styles.muted}>(empty)</div> : null}
      {message.parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity; their order is fixed
        <PartView key={i} part={part} />
      ))}
    </div>
  );
}

export interface ConversationProps {
  systemInstructions?: MessagePart[];
  input: Message[];
  output: Message[];
}

export function Conversation({ systemInstructions = [], input, output }: ConversationProps) {
  const styles = useStyles2(getStyles);
  const messages: { message: Message; output: boolean }[] = [
    ...(systemInstructions.length > 0
      ? [{ message: { role: 'system', parts: systemInstructions }, output: false }]
      : []),
    ...input.map((message) => ({ message, output: false })),
    ...output.map((message) => ({ message, output: true })),
  ];
  if (messages.length === 0) {
    return (
      <div className={styles.muted}>
        No messages were recorded for this call (content capture may be off).
      </div>
    );
  }
  return (
    <div className={styles.conversation} data-testid="conversation">
      {messages.map(({ message, output: isOutput }, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed
        <MessageView key={i} message={message} variant={isOutput ? 'output' : undefined} />
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  conversation: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  message: css({
    padding: theme.spacing(1),
    borderRadius: theme.shape.radius.default,
    border: `1px solid ${theme.colors.border.weak}`,
    maxWidth: '92%',
  }),
  role: (role: string) =>
    css({
      alignSelf: role === 'user' ? 'flex-end' : 'flex-start',
      background:
        role === 'user'
          ? theme.colors.primary.transparent
          : role === 'system'
            ? theme.colors.background.secondary
            : role === 'tool'
              ? theme.colors.warning.transparent
              : theme.colors.background.primary,
    }),
  output: css({
    borderColor: theme.colors.success.border,
  }),
  roleLabel: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    textTransform: 'capitalize',
    color: theme.colors.text.secondary,
    marginBottom: theme.spacing(0.5),
  }),
  text: css({
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  }),
  reasoning: css({
    color: theme.colors.text.secondary,
    fontStyle: 'italic',
  }),
  toolCall: css({
    marginTop: theme.spacing(0.5),
  }),
  partTitle: css({
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  pre: css({
    margin: theme.spacing(0.5, 0, 0),
    maxHeight: 320,
    overflow: 'auto',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
