// What TypeScript importers (the collector's analysis tests) see of index.mjs; its implementation is checked
// against the same types (types.d.mts) by bench/tsconfig.json.
import type { AgentRun, AgentRunOptions } from './types.mjs';

export type * from './types.mjs';

/** A real-size multi-agent run with planted, known failures (README.md). */
export declare function generateAgentRun(options?: AgentRunOptions): AgentRun;
