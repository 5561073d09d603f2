// The real-size runs the browser tests open: the generator's ≈600-span run (seed 1) and ≈10,000-span run (seed 2),
// each with its manifest of planted failures (bench/lib/agent-run/README.md), ingested over OTLP/HTTP into a real
// test collector (embedded ClickHouse) that also serves the standalone UI.
import type { AgentRun } from '../../bench/lib/agent-run/index.mjs';
import { generateAgentRun } from '../../bench/lib/agent-run/index.mjs';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { postTracesOk } from '../../collector/test/support/otlp-json.js';

export type { AgentRun } from '../../bench/lib/agent-run/index.mjs';

export interface RealSizeRuns {
  collector: TestCollector;
  /** ≈600 spans: orchestrator + 6 agents, the planted failures of the README. */
  small: AgentRun;
  /** ≈10,000 spans, the same planted failures. */
  large: AgentRun;
}

/** Starts a collector and stores both runs in it (each in requests of ≤ 2,000 spans), written before it returns. */
export async function startWithRealSizeRuns(): Promise<RealSizeRuns> {
  const collector = await startTestCollector();
  const small = generateAgentRun({ seed: 1, size: 'small' });
  const large = generateAgentRun({ seed: 2, size: 'large' });
  for (const run of [small, large])
    for (const body of run.requests) await postTracesOk(collector.httpUrl, body);
  await collector.writer.flush();
  return { collector, small, large };
}
