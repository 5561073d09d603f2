// Test data: a sequential multi-agent run shaped like the real ones (an orchestrator root hands tasks to agents one
// at a time; each invocation is model calls and tool calls one after another), big enough to open collapsed.
import type { SpanView } from '@beacon/collector/api-contract';
import { genai, span } from '../../../test/fixtures';

export interface SequentialRun {
  spans: SpanView[];
  /** Agent → its invocation span ids. */
  invocations: Map<string, string[]>;
  /** The one slow tool call (its self time dominates the run). */
  slowToolId: string;
}

/** `agents` invoked round-robin `rounds` times; each invocation: `turns` × (chat 1 s, tool 0.5 s). One tool call of
 * the second invocation takes 60 s. */
export function sequentialRun(agents: string[], rounds: number, turns: number): SequentialRun {
  const spans: SpanView[] = [];
  const invocations = new Map<string, string[]>();
  let t = 0;
  let slowToolId = '';
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    for (const agent of agents) {
      const invocationId = `inv-${agent}-${round}`;
      const start = t;
      for (let turn = 0; turn < turns; turn++) {
        spans.push(
          span({
            spanId: `chat-${agent}-${round}-${turn}`,
            parentSpanId: invocationId,
            name: `chat model-${agent}`,
            start: t,
            duration: 1000,
            genai: genai({ operation: 'chat', agentName: agent, requestModel: `model-${agent}` }),
          }),
        );
        t += 1000;
        const slow = n === 1 && turn === 0;
        const toolId = `tool-${agent}-${round}-${turn}`;
        if (slow) slowToolId = toolId;
        spans.push(
          span({
            spanId: toolId,
            parentSpanId: invocationId,
            name: `execute_tool ${slow ? 'run_python' : 'read_file'}`,
            start: t,
            duration: slow ? 60_000 : 500,
            statusCode: slow ? 'Error' : 'Unset',
            genai: genai({ operation: 'execute_tool', toolName: slow ? 'run_python' : 'read_file' }),
          }),
        );
        t += slow ? 60_000 : 500;
      }
      spans.push(
        span({
          spanId: invocationId,
          parentSpanId: 'root',
          name: `invoke_agent ${agent}`,
          start,
          duration: t - start,
          genai: genai({ operation: 'invoke_agent', agentName: agent }),
        }),
      );
      invocations.set(agent, [...(invocations.get(agent) ?? []), invocationId]);
      n++;
    }
  }
  spans.push(
    span({
      spanId: 'root',
      name: 'invoke_agent orchestrator',
      start: 0,
      duration: t,
      genai: genai({ operation: 'invoke_agent', agentName: 'orchestrator' }),
    }),
  );
  return { spans, invocations, slowToolId };
}
