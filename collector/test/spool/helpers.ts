// Shared by the spool tests: the load batches (from support/load.ts) and the spool's segment files.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export { jsonBatch, newSpanIds } from '../support/load.js';

/** The segment files of a spool directory, oldest first. */
export function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.log'))
    .sort()
    .map((file) => path.join(dir, file));
}
