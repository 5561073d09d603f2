// @beacon/sdk/testing: in-memory tracing, tree assertions and golden traces for agents' own test suites.
// No test-framework dependency: failures are node:assert AssertionErrors.
export { type ExpectedSpan, type ExpectedValue, expectTrace } from './expect-trace.js';
export {
  assertMatchesGolden,
  compareToGolden,
  type GoldenDifference,
  type GoldenSpan,
  type GoldenTolerances,
  type GoldenTrace,
  type GoldenUsage,
  toGoldenTrace,
} from './golden.js';
export { createTestTracing, type TestTracing } from './tracing.js';
export { renderTree, type SpanNode, spanTree } from './tree.js';
