// LLM messages as a conversation: one bubble per message, parts rendered by type (text, reasoning, tool calls,
// tool results, media references).
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, InlineSwitch, useStyles2 } from '@grafana/ui';
import { useState } from 'react';
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

/** What the previous LLM call of the same agent invocation already sent, so that only the new can be shown. */
export interface ConversationSince {
  /** Index of the first input message the previous call's input did not have. */
  newFrom: number;
  systemChanged: boolean;
  /** Names the previous call, e.g. "call 12, 3.1 s earlier". */
  label: string;
}

export interface ConversationProps {
  systemInstructions?: MessagePart[];
  input: Message[];
  output: Message[];
  since?: ConversationSince;
}

/** From this many input messages "only new" is on by default. */
export const LONG_HISTORY = 8;
/** Without a previous call, a history longer than this shows its first message and its last few. */
const COLLAPSE_OVER = 16;
const TAIL = 6;

type Entry =
  | { message: Message; output: boolean; index: number }
  | { hidden: number; systemHidden: boolean; index: number };

/** The messages shown, with one placeholder where the hidden ones are. */
function visibleEntries(
  systemInstructions: MessagePart[],
  input: Message[],
  output: Message[],
  since: ConversationSince | undefined,
  showAll: boolean,
): Entry[] {
  const system = systemInstructions.length > 0 ? [{ role: 'system', parts: systemInstructions }] : [];
  const all = [
    ...system.map((message) => ({ message, output: false })),
    ...input.map((message) => ({ message, output: false })),
    ...output.map((message) => ({ message, output: true })),
  ].map((e, index) => ({ ...e, index }));
  let hide: [from: number, to: number] | null = null;
  if (!showAll && since) {
    const from = system.length > 0 && since.systemChanged ? 1 : 0;
    hide = [from, system.length + since.newFrom];
  } else if (!showAll && input.length > COLLAPSE_OVER) {
    hide = [system.length + 1, system.length + input.length - TAIL];
  }
  if (!hide || hide[1] <= hide[0]) return all;
  const [from, to] = hide;
  const systemHidden = system.length > 0 && from === 0;
  const placeholder = { hidden: to - from - (systemHidden ? 1 : 0), systemHidden, index: from };
  return [...all.slice(0, from), placeholder, ...all.slice(to)];
}

export function Conversation({ systemInstructions = [], input, output, since }: ConversationProps) {
  const styles = useStyles2(getStyles);
  const [showAll, setShowAll] = useState(() =>
    since ? input.length < LONG_HISTORY : input.length <= COLLAPSE_OVER,
  );
  const total = input.length + output.length + (systemInstructions.length > 0 ? 1 : 0);
  if (total === 0) {
    return (
      <div className={styles.muted}>
        No messages were recorded for this call (content capture may be off).
      </div>
    );
  }
  const entries = visibleEntries(systemInstructions, input, output, since, showAll);
  const newCount = since ? input.length - since.newFrom : 0;
  return (
    <div className={styles.conversation} data-testid="conversation">
      {since && (
        <div className={styles.toolbar}>
          <InlineSwitch
            label="Only new since the previous call"
            showLabel
            transparent
            value={!showAll}
            onChange={() => setShowAll(!showAll)}
            data-testid="only-new"
          />
          <span className={styles.muted} data-testid="conversation-new-count">
            {newCount} of {input.length} input messages new since the previous call ({since.label})
          </span>
        </div>
      )}
      {entries.map((entry) =>
        'hidden' in entry ? (
          <div key="hidden" className={styles.hidden} data-testid="conversation-hidden">
            <span>
              {entry.hidden} earlier message{entry.hidden === 1 ? '' : 's'}
              {entry.systemHidden ? ' and the system instructions' : ''}
              {since ? ', as the previous call sent them' : ''}
            </span>
            <Button size="sm" variant="secondary" fill="text" onClick={() => setShowAll(true)}>
              Show all {total} messages
            </Button>
          </div>
        ) : (
          <MessageView
            key={entry.index}
            message={entry.message}
            variant={entry.output ? 'output' : undefined}
          />
        ),
      )}
      {showAll && total > COLLAPSE_OVER && (
        <Button size="sm" variant="secondary" fill="text" onClick={() => setShowAll(false)}>
          {since ? 'Show only the new messages' : 'Collapse the earlier messages'}
        </Button>
      )}
      {since && !showAll && newCount === 0 && (
        <div className={styles.muted}>The input is the same as the previous call's (a retry?).</div>
      )}
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
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(0, 1),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  hidden: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1),
    border: `1px dashed ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
