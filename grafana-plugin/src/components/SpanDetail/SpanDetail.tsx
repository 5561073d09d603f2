// Everything about one span: for an LLM call the conversation (only what is new since the previous call, for a long
// history), tokens, cost, model and finish reason; for a tool call its input and output JSON; an error, said once.
import type { SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, Drawer, Stack, Text, useStyles2 } from '@grafana/ui';
import { useState } from 'react';
import { formatDuration, formatTime, prettyJson } from '../../utils/format';
import { isError, nsToMs, spanNodeKind, startMs } from '../../utils/spans';
import { KIND_LABELS } from '../common/kinds';
import { ReplayPanel } from '../Replay/ReplayPanel';
import { ModelCall } from './ModelCall';
import { AttributeTable, Facts, getStyles as getPartStyles, Section } from './SpanDetailParts';
import { ERROR_ATTRIBUTES, SpanError } from './SpanError';

export interface SpanDetailProps {
  span: SpanView;
  /** Epoch ms of the trace start, to show the span's offset. */
  traceStartMs?: number;
  /** Offer "Replay" on LLM calls (needs the app's BeaconProvider and router). Default true. */
  replay?: boolean;
  /** The trace's spans: an LLM call is compared with the previous call of its agent invocation. */
  spans?: readonly SpanView[];
}

export function SpanDetail({ span, traceStartMs, replay = true, spans }: SpanDetailProps) {
  const styles = useStyles2(getStyles);
  const [replaying, setReplaying] = useState(false);
  const g = span.genai;
  const kind = spanNodeKind(span);
  const exceptions = span.events.filter((e) => e.name === 'exception');
  const otherEvents = span.events.filter((e) => e.name !== 'exception');
  const failed = isError(span) || exceptions.length > 0 || !!g?.errorType;
  const isTool = kind === 'tool' || (!!g?.toolName && kind !== 'llm');
  const offset = traceStartMs !== undefined ? startMs(span) - traceStartMs : null;
  const attributes = failed
    ? Object.fromEntries(Object.entries(span.attributes).filter(([k]) => !ERROR_ATTRIBUTES.includes(k)))
    : span.attributes;

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

      {failed && <SpanError span={span} />}

      {g && kind === 'llm' && <ModelCall span={span} spans={spans} />}

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
        <summary>
          Attributes ({Object.keys(attributes).length}){failed && ', the error ones shown under Error'}
        </summary>
        <AttributeTable attributes={attributes} />
      </details>
      <details>
        <summary>Resource ({Object.keys(span.resourceAttributes).length})</summary>
        <AttributeTable attributes={span.resourceAttributes} />
      </details>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getPartStyles(theme),
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    minWidth: 0,
  }),
  replayButton: css({
    marginLeft: 'auto',
  }),
});
