// Acceptance: guards fire exactly at their thresholds (the N-th identical tool call, the model call whose usage
// crosses a budget, the deadline), raise their typed errors and leave a beacon.guard.triggered event and
// error.type on the span, where the collector can count them.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  AgentGuard,
  AgentTimeoutError,
  agent,
  BudgetExceededError,
  GuardError,
  LoopDetectedError,
  llmCall,
  tool,
  wrapTool,
} from '../src/index.js';
import { createTestTracing, type TestTracing } from '../src/testing/index.js';
import { byName } from './span-input.js';

let tracing: TestTracing;
beforeEach(() => {
  tracing = createTestTracing();
});
afterEach(async () => {
  await tracing.shutdown();
});

const GUARD_EVENT = 'beacon.guard.triggered';

function guardEvents() {
  return tracing
    .spans()
    .flatMap((span) => span.events.filter((e) => e.name === GUARD_EVENT).map((e) => ({ span, event: e })));
}

/** One model call reporting `tokens` (split input/output) for gpt-4o-mini. */
function modelCall(tokens: number, model = 'gpt-4o-mini') {
  return llmCall({ provider: 'openai', model }, async (span) => {
    span.addUsage({ inputTokens: tokens / 2, outputTokens: tokens / 2 });
    return 'ok';
  });
}

describe('loop detection', () => {
  test('the N-th call of a tool with the same arguments throws LoopDetectedError; different arguments do not count', async () => {
    const guard = new AgentGuard({ maxRepeatedToolCalls: 3 });
    const search = wrapTool('search', (query: { q: string }) => `results for ${query.q}`);
    const calls: string[] = [];
    const error = await guard
      .run(() =>
        agent('researcher', async () => {
          calls.push(search({ q: 'otel' }));
          calls.push(search({ q: 'other' }));
          calls.push(search({ q: 'otel' }));
          calls.push(search({ q: 'otel' })); // third identical call
          calls.push('unreachable');
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoopDetectedError);
    expect(error).toBeInstanceOf(GuardError);
    expect((error as LoopDetectedError).guard).toBe('loop');
    expect(calls).toEqual(['results for otel', 'results for other', 'results for otel']);

    const events = guardEvents();
    expect(events).toHaveLength(1);
    const { span, event } = events[0]!;
    expect(span.name).toBe('execute_tool search');
    expect(event.attributes).toMatchObject({
      'beacon.guard.name': 'loop',
      'beacon.guard.limit': 3,
      'beacon.guard.observed': 3,
      'beacon.guard.tool': 'search',
    });
    expect(span.attributes['error.type']).toBe('LoopDetectedError');
    expect(span.status.code).toBe(2);
    expect(byName(tracing.spans(), 'invoke_agent researcher').attributes['error.type']).toBe(
      'LoopDetectedError',
    );
  });

  test('argument key order does not matter, and each run counts afresh', async () => {
    const guard = new AgentGuard({ maxRepeatedToolCalls: 2 });
    const first = await guard
      .run(() => {
        tool('t', () => 1, { arguments: { a: 1, b: 2 } });
        tool('t', () => 1, { arguments: { b: 2, a: 1 } });
      })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(LoopDetectedError);
    // A new run: one call is fine again.
    await expect(guard.run(() => tool('t', () => 1, { arguments: { a: 1, b: 2 } }))).resolves.toBe(1);
  });

  test('without a guarded run, repeated calls are never stopped', () => {
    for (let i = 0; i < 10; i++) tool('t', () => i, { arguments: {} });
    expect(guardEvents()).toHaveLength(0);
  });
});

describe('budgets', () => {
  test('the model call whose usage crosses the run token budget throws; the calls before it pass', async () => {
    const guard = new AgentGuard({ maxTokens: 250 });
    let completed = 0;
    const error = await guard
      .run(() =>
        agent('writer', async () => {
          for (let i = 0; i < 5; i++) {
            await modelCall(100);
            completed++;
          }
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ guard: 'token_budget', limit: 250, observed: 300, scope: 'run' });
    expect(completed).toBe(2);
    // Three model calls ran (the third crossed the budget) and all three are recorded with their usage.
    expect(tracing.spans().filter((s) => s.name === 'chat gpt-4o-mini')).toHaveLength(3);
    const [{ span, event }] = guardEvents() as [ReturnType<typeof guardEvents>[number]];
    expect(span.name).toBe('invoke_agent writer');
    expect(event.attributes).toMatchObject({
      'beacon.guard.name': 'token_budget',
      'beacon.guard.limit': 250,
      'beacon.guard.observed': 300,
      'beacon.guard.scope': 'run',
    });
    expect(span.attributes['error.type']).toBe('BudgetExceededError');
  });

  test('usage exactly at the budget is allowed; a call after the budget is spent is refused before it starts', async () => {
    const guard = new AgentGuard({ maxTokens: 200 });
    await guard.run(async () => {
      await modelCall(100);
      await modelCall(100); // 200: at the limit, not over it
    });
    expect(guardEvents()).toHaveLength(0);
  });

  test('per-agent budgets count only that agent, across its invocations in the run', async () => {
    const guard = new AgentGuard({ perAgent: { worker: { maxTokens: 150 } } });
    const error = await guard
      .run(async () => {
        await agent('planner', () => modelCall(1000));
        await agent('worker', () => modelCall(100));
        await agent('worker', () => modelCall(100)); // worker total 200 > 150
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      guard: 'token_budget',
      scope: 'agent',
      agentName: 'worker',
      limit: 150,
      observed: 200,
    });
    const [{ event }] = guardEvents() as [ReturnType<typeof guardEvents>[number]];
    expect(event.attributes?.['beacon.guard.agent']).toBe('worker');
  });

  test('cost budget: priced from the reported usage with genai-prices', async () => {
    // gpt-4o: $2.50 / 1M input, $10 / 1M output. 100k in + 100k out = $1.25 per call.
    const guard = new AgentGuard({ maxCostUsd: 2 });
    let completed = 0;
    const error = await guard
      .run(async () => {
        for (let i = 0; i < 3; i++) {
          await modelCall(200_000, 'gpt-4o');
          completed++;
        }
      })
      .catch((e: unknown) => e);
    expect(completed).toBe(1);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).guard).toBe('cost_budget');
    expect((error as BudgetExceededError).observed).toBeCloseTo(2.5, 6);
  });
});

describe('timeout', () => {
  test('a run past its wall-clock limit rejects with AgentTimeoutError, records it on the root span and aborts the signal', async () => {
    const guard = new AgentGuard({ timeoutMs: 50 });
    let signal: AbortSignal | undefined;
    const started = performance.now();
    const error = await guard
      .run((s) => {
        signal = s;
        return agent('slow', () => new Promise((resolve) => setTimeout(resolve, 1000)));
      })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(AgentTimeoutError);
    expect((error as AgentTimeoutError).guard).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(500);
    expect(signal?.aborted).toBe(true);
    // The root span ended at the deadline, with the event and the error.
    const root = byName(tracing.spans(), 'invoke_agent slow');
    expect(root.attributes['error.type']).toBe('AgentTimeoutError');
    const event = root.events.find((e) => e.name === GUARD_EVENT);
    expect(event?.attributes).toMatchObject({ 'beacon.guard.name': 'timeout', 'beacon.guard.limit': 50 });
  });

  test('a run within its limit resolves with its result', async () => {
    const guard = new AgentGuard({ timeoutMs: 500 });
    await expect(guard.run(() => agent('fast', async () => 'done'))).resolves.toBe('done');
    expect(guardEvents()).toHaveLength(0);
  });
});
