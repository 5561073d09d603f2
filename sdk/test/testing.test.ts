// The test helpers agents use in their own suites: expectTrace passes on a matching tree and fails with a message
// that says where and why; golden traces match within tolerances and report what is outside them.
import { AssertionError } from 'node:assert';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { agent, llmCall, tool } from '../src/index.js';
import {
  assertMatchesGolden,
  compareToGolden,
  createTestTracing,
  expectTrace,
  type GoldenTrace,
  type TestTracing,
  toGoldenTrace,
} from '../src/testing/index.js';

let tracing: TestTracing;
beforeEach(() => {
  tracing = createTestTracing();
});
afterEach(async () => {
  await tracing.shutdown();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small agent run: plan with a model, call a tool, answer with a model. Sizes are parameters. */
async function runAgent({ toolMs = 20, outputTokens = 500 } = {}) {
  await agent('support', async () => {
    await llmCall({ provider: 'openai', model: 'gpt-4o' }, async (span) => {
      span.addUsage({ inputTokens: 1000, outputTokens: 100 });
    });
    await tool('search', () => sleep(toolMs), { arguments: { q: 'refund' } });
    await llmCall({ provider: 'openai', model: 'gpt-4o' }, async (span) => {
      span.addUsage({ inputTokens: 2000, outputTokens });
    });
  });
}

function failure(fn: () => void): AssertionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    return error as AssertionError;
  }
  throw new Error('expected an AssertionError');
}

describe('expectTrace', () => {
  test('passes on the expected tree (operations, names, attributes, partial children)', async () => {
    await runAgent();
    expectTrace(tracing.spans(), {
      operation: 'invoke_agent',
      attributes: { 'gen_ai.agent.name': 'support' },
      children: [
        { name: 'chat gpt-4o', attributes: { 'gen_ai.usage.output_tokens': 100 } },
        { operation: 'execute_tool', name: /search/, attributes: { 'gen_ai.tool.call.arguments': null } },
      ],
    });
  });

  test('a wrong attribute fails naming the span path, the attribute, expected and actual values', async () => {
    await runAgent();
    const error = failure(() =>
      expectTrace(tracing.spans(), {
        name: 'invoke_agent support',
        children: [{ operation: 'execute_tool', attributes: { 'gen_ai.tool.name': 'lookup' } }],
      }),
    );
    expect(error.message).toContain('under invoke_agent support');
    expect(error.message).toContain('attribute gen_ai.tool.name: expected "lookup", got "search"');
    expect(error.message).toContain('Actual trace:');
    expect(error.message).toContain('    execute_tool search');
  });

  test('a missing span and a wrong child count fail with the candidates listed', async () => {
    await runAgent();
    const missing = failure(() => expectTrace(tracing.spans(), { name: 'invoke_agent billing' }));
    expect(missing.message).toContain('no child matches invoke_agent billing');
    expect(missing.message).toContain('candidates: invoke_agent support');
    const count = failure(() =>
      expectTrace(tracing.spans(), {
        name: 'invoke_agent support',
        exactChildren: true,
        children: [{ name: 'chat gpt-4o' }],
      }),
    );
    expect(count.message).toContain('expected exactly 1 children, got 3');
  });

  test('children are matched in start order', async () => {
    await runAgent();
    failure(() =>
      expectTrace(tracing.spans(), {
        name: 'invoke_agent support',
        children: [{ name: 'execute_tool search' }, { name: 'execute_tool search' }],
      }),
    );
  });
});

describe('golden traces', () => {
  async function golden(): Promise<GoldenTrace> {
    await runAgent();
    // What a test suite stores: plain JSON.
    const saved = JSON.parse(JSON.stringify(toGoldenTrace(tracing.spans()))) as GoldenTrace;
    tracing.reset();
    return saved;
  }

  test('the golden form keeps structure, names, GenAI attributes, usage, cost and durations', async () => {
    const saved = await golden();
    expect(saved.roots).toHaveLength(1);
    const root = saved.roots[0]!;
    expect(root).toMatchObject({ name: 'invoke_agent support', operation: 'invoke_agent' });
    expect(root.children.map((c) => c.name)).toEqual(['chat gpt-4o', 'execute_tool search', 'chat gpt-4o']);
    const answer = root.children[2]!;
    expect(answer.usage).toEqual({ inputTokens: 2000, outputTokens: 500 });
    // gpt-4o: 2000 × $2.50/M + 500 × $10/M
    expect(answer.costUsd).toBeCloseTo(0.01, 9);
    expect(saved.totalCostUsd).toBeCloseTo(0.0025 + 0.001 + 0.01, 9);
    expect(root.children[1]!.durationMs).toBeGreaterThanOrEqual(15);
    // Volatile and content attributes are not part of it.
    expect(Object.keys(root.children[1]!.attributes)).not.toContain('gen_ai.tool.call.arguments');
  });

  test('a run within the cost and duration tolerances matches', async () => {
    const saved = await golden();
    await runAgent({ toolMs: 25, outputTokens: 540 }); // cost +~3%, tool duration within ±50%
    expect(compareToGolden(tracing.spans(), saved, { costTolerance: 0.1, durationTolerance: 0.5 })).toEqual(
      [],
    );
    assertMatchesGolden(tracing.spans(), saved);
  });

  test('cost and duration outside the tolerances, and a changed structure, are reported', async () => {
    const saved = await golden();
    await runAgent({ toolMs: 80, outputTokens: 1000 }); // answer cost +37%, tool 4× slower
    const differences = compareToGolden(tracing.spans(), saved, {
      costTolerance: 0.1,
      durationTolerance: 0.5,
    });
    const fields = differences.map((d) => `${d.path}: ${d.field}`);
    expect(fields).toContain('invoke_agent support > chat gpt-4o[1]: costUsd');
    expect(fields).toContain('invoke_agent support > chat gpt-4o[1]: usage.outputTokens');
    expect(fields).toContain('invoke_agent support > execute_tool search: durationMs');
    expect(fields).toContain('(trace): totalCostUsd');
    expect(() => assertMatchesGolden(tracing.spans(), saved)).toThrow(/differs from the golden trace/);

    tracing.reset();
    await agent('support', () => tool('search', () => 1));
    const structural = compareToGolden(tracing.spans(), saved);
    expect(structural).toContainEqual({
      path: 'invoke_agent support',
      field: 'children',
      expected: ['chat gpt-4o', 'execute_tool search', 'chat gpt-4o'],
      actual: ['execute_tool search'],
    });
  });
});
