// Everything about one span: for an LLM call the conversation, tokens, cost, model and finish reason; for a tool
// call its input and output JSON; errors with their status message and exception events (stack included).
import type { SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, Drawer, Stack, Text, useStyles2 } from '@grafana/ui';
import { type ReactNode, useState } from 'react';
import { formatCost, formatDuration, formatTime, formatTokens, prettyJson } from '../../utils/format';
import { isError, nsToMs, spanNodeKind, startMs } from '../../utils/spans';
import { KIND_LABELS } from '../common/kinds';
import { ReplayPanel } from '../Replay/ReplayPanel';
import { Conversation } from './Conversation';

export interface SpanDetailProps {
  span: SpanView;
  /** Epoch ms of the trace start, to show the span's offset. */
  traceStartMs?: number;
  /** Offer "Replay" on LLM calls (needs the app's BeaconProvider and router). Default true. */
  replay?: boolean;
}

type Fact = [label: string, value: ReactNode];

function Facts({ facts, testId }: { facts: Fact[]; testId?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <dl className={styles.facts} data-testid={testId}>
      {facts
        .filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(([label, value]) => (
          <div key={label} className={styles.fact}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.section} aria-label={title}>
      <Text element="h4" variant="h6">
        {title}
      </Text>
      {children}
    </section>
  );
}

function AttributeTable({ attributes }: { attributes: Record<string, string> }) {
  const styles = useStyles2(getStyles);
  const entries = Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return <div className={styles.muted}>none</div>;
  return (
    <table className={styles.attrs}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <td className={styles.attrKey}>{k}</td>
            <td className={styles.attrValue}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function tokens(value: number | null, extra: string[] = []): string | null {
  if (value === null) return null;
  return extra.length > 0 ? `${formatTokens(value)} (${extra.join(', ')})` : formatTokens(value);
}

export function SpanDetail({ span, traceStartMs, replay = true }: SpanDetailProps) {
  const styles = useStyles2(getStyles);
  const [replaying, setReplaying] = useState(false);
  const g = span.genai;
  const kind = spanNodeKind(span);
  const exceptions = span.events.filter((e) => e.name === 'exception');
  const otherEvents = span.events.filter((e) => e.name !== 'exception');
  const failed = isError(span) || exceptions.length > 0 || !!g?.errorType;
  const isTool = kind === 'tool' || (!!g?.toolName && kind !== 'llm');
  const offset = traceStartMs !== undefined ? startMs(span) - traceStartMs : null;

  return (
    <div className={styles.container} data-testid="span-detail">
      <Stack direction="column" gap={1}>
        <Stack alignItems="center" gap={1} wrap="wrap">
          <Text element="h3" variant="h5">
            {span.name}
          </Text>
          <Badge
            text={KIND_LABELS[kind]}
            color={kind === 'llm' ? 'blue' : kind === 'tool' ? 'orange' : 'purple'}
          />
          {span.statusCode === 'Error' && <Badge text="Error" color="red" icon="exclamation-triangle" />}
          {span.statusCode === 'Ok' && <Badge text="OK" color="green" />}
          {replay && kind === 'llm' && (
            <Button
              size="sm"
              variant="secondary"
              icon="play"
              className={styles.replayButton}
              tooltip="Edit this call's prompt, model or settings and run it again"
              onClick={() => setReplaying(true)}
            >
              Replay
            </Button>
          )}
        </Stack>
        <Facts
          facts={[
            ['Service', span.serviceName],
            ['Duration', formatDuration(span.durationMs)],
            [
              'Start',
              `${formatTime(startMs(span))}${offset !== null ? ` (+${formatDuration(offset)})` : ''}`,
            ],
            ['Span kind', span.kind],
            ['Span ID', <code key="id">{span.spanId}</code>],
            ['Parent', span.parentSpanId ? <code key="p">{span.parentSpanId}</code> : 'root'],
          ]}
        />
      </Stack>

      {failed && (
        <Section title="Error">
          <Alert severity="error" title={g?.errorType ?? (span.statusMessage ? 'Span failed' : 'Error')}>
            {span.statusMessage || 'The span has status Error.'}
          </Alert>
          {exceptions.map((event, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; two may share a timestamp
            <div key={`${event.timeUnixNano}-${i}`} className={styles.exception} data-testid="exception">
              <div>
                <strong>{event.attributes['exception.type'] ?? 'Exception'}</strong>
                {event.attributes['exception.message'] ? `: ${event.attributes['exception.message']}` : ''}
              </div>
              {event.attributes['exception.stacktrace'] && (
                <pre className={styles.pre}>{event.attributes['exception.stacktrace']}</pre>
              )}
            </div>
          ))}
        </Section>
      )}

      {g && kind === 'llm' && (
        <Section title="Model call">
          <Facts
            testId="llm-facts"
            facts={[
              ['Operation', g.operation],
              ['Provider', g.provider],
              [
                'Model',
                g.responseModel && g.responseModel !== g.requestModel
                  ? `${g.requestModel ?? '?'} → ${g.responseModel}`
                  : (g.requestModel ?? g.responseModel),
              ],
              ['Finish reason', g.finishReasons.length > 0 ? g.finishReasons.join(', ') : null],
              [
                'Input tokens',
                tokens(
                  g.usage.inputTokens,
                  [
                    g.usage.cacheReadTokens ? `${formatTokens(g.usage.cacheReadTokens)} cache read` : '',
                    g.usage.cacheWriteTokens ? `${formatTokens(g.usage.cacheWriteTokens)} cache write` : '',
                  ].filter(Boolean),
                ),
              ],
              [
                'Output tokens',
                tokens(
                  g.usage.outputTokens,
                  g.usage.reasoningTokens ? [`${formatTokens(g.usage.reasoningTokens)} reasoning`] : [],
                ),
              ],
              [
                'Total tokens',
                g.usage.inputTokens !== null || g.usage.outputTokens !== null
                  ? formatTokens((g.usage.inputTokens ?? 0) + (g.usage.outputTokens ?? 0))
                  : null,
              ],
              [
                'Cost',
                g.costUsd !== null
                  ? formatCost(g.costUsd)
                  : g.unpriced
                    ? 'unpriced (no known price for this model)'
                    : g.usageMissing
                      ? 'unknown (no token usage reported)'
                      : '–',
              ],
              ['Price', g.priceEntry ?? g.priceSource],
              ['Agent', g.agentName],
              ['Conversation', g.conversationId],
            ]}
          />
          <Conversation
            systemInstructions={g.systemInstructions}
            input={g.inputMessages}
            output={g.outputMessages}
          />
        </Section>
      )}

      {g && isTool && (
        <Section title="Tool call">
          <Facts
            facts={[
              ['Tool', g.toolName],
              ['Call ID', g.toolCallId],
              ['Agent', g.agentName],
            ]}
          />
          <div className={styles.label}>Input</div>
          <pre className={styles.pre} data-testid="tool-arguments">
            {g.toolArguments !== null ? prettyJson(g.toolArguments) : '(not recorded)'}
          </pre>
          <div className={styles.label}>Output</div>
          <pre className={styles.pre} data-testid="tool-result">
            {g.toolResult !== null ? prettyJson(g.toolResult) : '(not recorded)'}
          </pre>
        </Section>
      )}

      {g && kind === 'agent' && (
        <Section title="Agent">
          <Facts
            facts={[
              ['Agent', g.agentName],
              ['Agent ID', g.agentId],
              ['Conversation', g.conversationId],
              ['Model', g.requestModel],
            ]}
          />
        </Section>
      )}

      {otherEvents.length > 0 && (
        <Section title="Events">
          {otherEvents.map((event, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; two may share a timestamp
            <details key={`${event.timeUnixNano}-${i}`}>
              <summary>
                {event.name}{' '}
                {traceStartMs !== undefined ? (
                  <span className={styles.muted}>
                    +{formatDuration(nsToMs(event.timeUnixNano) - traceStartMs)}
                  </span>
                ) : null}
              </summary>
              <AttributeTable attributes={event.attributes} />
            </details>
          ))}
        </Section>
      )}

      {span.annotations.length > 0 && (
        <Section title="Annotations">
          {span.annotations.map((a) => (
            <div key={a.id}>
              {a.text} <span className={styles.muted}>{a.author ? `— ${a.author}` : ''}</span>
            </div>
          ))}
        </Section>
      )}

      {replaying && (
        <Drawer
          title={`Replay: ${span.name}`}
          subtitle={<code>{span.spanId}</code>}
          size="lg"
          onClose={() => setReplaying(false)}
        >
          <ReplayPanel span={span} />
        </Drawer>
      )}

      <details>
        <summary>Attributes ({Object.keys(span.attributes).length})</summary>
        <AttributeTable attributes={span.attributes} />
      </details>
      <details>
        <summary>Resource ({Object.keys(span.resourceAttributes).length})</summary>
        <AttributeTable attributes={span.resourceAttributes} />
      </details>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    minWidth: 0,
  }),
  section: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.25),
    margin: 0,
  }),
  fact: css({
    display: 'contents',
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, wordBreak: 'break-all' },
  }),
  label: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  pre: css({
    margin: 0,
    maxHeight: 400,
    overflow: 'auto',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  exception: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  attrs: css({
    width: '100%',
    fontSize: theme.typography.bodySmall.fontSize,
    td: {
      padding: theme.spacing(0.25, 0.5),
      verticalAlign: 'top',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  attrKey: css({
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
  }),
  attrValue: css({
    wordBreak: 'break-all',
    whiteSpace: 'pre-wrap',
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
  replayButton: css({
    marginLeft: 'auto',
  }),
});
