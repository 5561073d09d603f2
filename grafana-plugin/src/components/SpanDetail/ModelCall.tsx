// An LLM call's facts (model, tokens, cost, finish reason) and its conversation, compared with the previous call of
// the same agent invocation so that a long history can show only what is new.
import type { SpanView } from '@beacon/collector/api-contract';
import { useMemo } from 'react';
import { formatCost, formatDuration, formatTokens } from '../../utils/format';
import { contextStepOf } from '../../utils/messages';
import { buildTree, startMs } from '../../utils/spans';
import { Conversation, type ConversationSince } from './Conversation';
import { Facts, Section } from './SpanDetailParts';

function tokens(value: number | null, extra: string[] = []): string | null {
  if (value === null) return null;
  return extra.length > 0 ? `${formatTokens(value)} (${extra.join(', ')})` : formatTokens(value);
}

/** The previous call of the same agent invocation, and what of this call's input is new since. */
function useSince(span: SpanView, spans: readonly SpanView[] | undefined): ConversationSince | undefined {
  const tree = useMemo(() => (spans ? buildTree(spans) : null), [spans]);
  return useMemo(() => {
    if (!spans || !tree) return undefined;
    const step = contextStepOf(span, spans, tree);
    if (!step?.previous) return undefined;
    const earlier = startMs(span) - startMs(step.previous);
    return {
      newFrom: step.messageCount - step.newMessages.length,
      systemChanged: step.systemChanged,
      label: `call ${step.index} of this invocation, ${formatDuration(earlier)} earlier`,
    };
  }, [span, spans, tree]);
}

export function ModelCall({ span, spans }: { span: SpanView; spans?: readonly SpanView[] }) {
  const g = span.genai!;
  const since = useSince(span, spans);
  const cost =
    g.costUsd !== null
      ? formatCost(g.costUsd)
      : g.unpriced
        ? 'unpriced (no known price for this model)'
        : g.usageMissing
          ? 'unknown (no token usage reported)'
          : '–';
  return (
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
            <span key="cost" data-testid="span-cost">
              {cost}
            </span>,
          ],
          ['Price', g.priceEntry ?? g.priceSource],
          ['Agent', g.agentName],
          ['Conversation', g.conversationId],
        ]}
      />
      <Conversation
        key={span.spanId}
        systemInstructions={g.systemInstructions}
        input={g.inputMessages}
        output={g.outputMessages}
        since={since}
      />
    </Section>
  );
}
