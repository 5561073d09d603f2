// Fixed locations in the repository, independent of the working directory a benchmark is started from.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
export const COLLECTOR_DIR = fileURLToPath(new URL('../../collector/', import.meta.url));
