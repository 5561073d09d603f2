import { timedGet } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot } from '../lib/machine.mjs';
import { createProgress, log } from '../lib/progress.mjs';
import { summarizeRounds } from '../lib/stats.mjs';
import { flags } from './options.mjs';

/**
 * @typedef {object} QueryCheck
 * @property {string} [mismatch] why the answer looks wrong (counted, not fatal)
 * @property {number} [rows] rows in the answer (traces, spans, hits, groups)
 * @typedef {object} QuerySpec
 * @property {string} name
 * @property {string} label
 * @property {'list' | 'detail' | null} target which p95 target it counts against
 * @property {() => { path: string; check: (body: any) => QueryCheck }} next the next request (rotates values)
 */

/** @template T @param {readonly T[]} values */
export function rotate(values) {
  let i = 0;
  return () => /** @type {T} */ (values[i++ % values.length]);
}

/** @param {any} body */
export const traceRows = (body) => (Array.isArray(body?.traces) ? body.traces : null);

/**
 * Every query the benchmark times, in report order. Add a new query here: one QuerySpec in the list this returns.
 * @param {any} manifest
 * @param {string} apiUrl
 * @param {import('node:http').Agent} agent
 * @returns {Promise<QuerySpec[]>}
 */
export async function querySpecs(manifest, apiUrl, agent) {
  const byCount = (/** @type {Record<string, number>} */ counts) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([key]) => key);
  const services = byCount(manifest.stats.byService);
  const agents = byCount(manifest.stats.byRootAgent);
  const models = byCount(manifest.stats.byModel);
  const sample = /** @type {{ traceId: string; spans: number }[]} */ (manifest.sample);
  // Grown copies start up to the sum of the growths' maxShiftSeconds earlier than the ingested window.
  const shiftedMs =
    1000 *
    (manifest.grown ?? []).reduce(
      (/** @type {number} */ sum, /** @type {any} */ g) => sum + g.maxShiftSeconds,
      0,
    );
  const range = `from=${manifest.windowStartMs - 60_000 - shiftedMs}&to=${manifest.windowEndMs + 10 * 60_000}`;

  // Page 2 needs page 1's cursor.
  const first = await timedGet(`${apiUrl}/api/v1/traces?limit=50`, agent);
  let cursor = null;
  /** @type {Set<string>} */
  const page1 = new Set();
  if (first.status === 200) {
    const body = JSON.parse(first.body.toString('utf8'));
    cursor = body.nextCursor ?? null;
    for (const t of traceRows(body) ?? []) page1.add(t.traceId);
  }

  const nextService = rotate(services);
  const nextAgent = rotate(agents);
  const nextModel = rotate(models);
  const nextTrace = rotate(sample);
  const nextTerm = rotate(/** @type {string[]} */ (manifest.searchTerms));
  const nextGroup = rotate(['model', 'agent', 'service']);

  /**
   * A trace-list check: an array of traces, each passing `ok`.
   * @param {(t: any) => boolean} ok
   * @param {string} what
   */
  const listCheck = (ok, what) => (/** @type {any} */ body) => {
    const rows = traceRows(body);
    if (!rows) return { mismatch: 'no traces array' };
    if (rows.length === 0) return { rows: 0, mismatch: 'empty list' };
    const bad = rows.filter((/** @type {any} */ t) => !ok(t)).length;
    return bad > 0
      ? { rows: rows.length, mismatch: `${bad} of ${rows.length} traces not ${what}` }
      : { rows: rows.length };
  };

  return [
    {
      name: 'list',
      label: 'trace list (no filter)',
      target: 'list',
      next: () => ({ path: '/api/v1/traces?limit=50', check: listCheck(() => true, '') }),
    },
    {
      name: 'list_service',
      label: 'trace list, service=',
      target: 'list',
      next: () => {
        const service = nextService();
        return {
          path: `/api/v1/traces?limit=50&service=${encodeURIComponent(service)}`,
          check: listCheck((t) => t.rootServiceName === service, `of service ${service}`),
        };
      },
    },
    {
      name: 'list_agent',
      label: 'trace list, agent=',
      target: 'list',
      next: () => {
        const agentName = nextAgent();
        return {
          path: `/api/v1/traces?limit=50&agent=${encodeURIComponent(agentName)}`,
          check: listCheck(
            (t) => t.rootAgent === agentName || (t.agents ?? []).includes(agentName),
            `with agent ${agentName}`,
          ),
        };
      },
    },
    {
      name: 'list_model',
      label: 'trace list, model=',
      target: 'list',
      next: () => {
        const model = nextModel();
        return {
          path: `/api/v1/traces?limit=50&model=${encodeURIComponent(model)}`,
          check: listCheck((t) => (t.models ?? []).includes(model), `using ${model}`),
        };
      },
    },
    {
      name: 'list_error',
      label: 'trace list, status=error',
      target: 'list',
      next: () => ({
        path: '/api/v1/traces?limit=50&status=error',
        check: listCheck((t) => t.status === 'error', 'errors'),
      }),
    },
    {
      name: 'list_page2',
      label: 'trace list, page 2 (cursor)',
      target: 'list',
      next: () => ({
        path: `/api/v1/traces?limit=50&cursor=${encodeURIComponent(cursor ?? '')}`,
        check: (body) => {
          const result = listCheck(() => true, '')(body);
          if (cursor === null) return { ...result, mismatch: 'page 1 had no nextCursor' };
          const repeated = (traceRows(body) ?? []).filter((/** @type {any} */ t) =>
            page1.has(t.traceId),
          ).length;
          return repeated > 0 ? { ...result, mismatch: `${repeated} traces repeat page 1` } : result;
        },
      }),
    },
    {
      name: 'detail',
      label: 'trace detail (random trace)',
      target: 'detail',
      next: () => {
        const trace = nextTrace();
        return {
          path: `/api/v1/traces/${trace.traceId}`,
          check: (body) => {
            const spans = Array.isArray(body?.spans) ? body.spans : null;
            if (!spans) return { mismatch: 'no spans array' };
            return spans.length === trace.spans
              ? { rows: spans.length }
              : { rows: spans.length, mismatch: `${spans.length} spans, ${trace.spans} sent` };
          },
        };
      },
    },
    {
      name: 'search',
      label: 'search q= (whole window)',
      target: null,
      next: () => ({
        path: `/api/v1/search?q=${encodeURIComponent(nextTerm())}&${range}`,
        check: (body) =>
          Array.isArray(body?.hits)
            ? { rows: body.hits.length, ...(body.hits.length === 0 ? { mismatch: 'no hits' } : {}) }
            : { mismatch: 'no hits array' },
      }),
    },
    {
      name: 'stats_summary',
      label: 'stats summary (whole window)',
      target: null,
      next: () => ({
        path: `/api/v1/stats/summary?groupBy=${nextGroup()}&${range}`,
        check: (body) =>
          Array.isArray(body?.groups)
            ? { rows: body.groups.length, ...(body.groups.length === 0 ? { mismatch: 'no groups' } : {}) }
            : { mismatch: 'no groups array' },
      }),
    },
  ];
}

/**
 * The p95 target of a query, in ms.
 * @param {QuerySpec['target']} target
 */
export function targetOf(target) {
  if (target === 'list') return /** @type {number} */ (flags['target-list-ms']);
  if (target === 'detail') return /** @type {number} */ (flags['target-detail-ms']);
  return null;
}

/**
 * @param {QuerySpec[]} specs
 * @param {string} apiUrl
 * @param {import('node:http').Agent} agent
 * @param {number} collectorPid
 */
export async function measure(specs, apiUrl, agent, collectorPid) {
  const state = specs.map((spec) => ({
    spec,
    available: true,
    /** @type {string | null} */
    unavailableReason: null,
    errors: 0,
    /** @type {string | null} */
    firstError: null,
    mismatches: 0,
    /** @type {string | null} */
    firstMismatch: null,
    /** @type {number[]} */
    rows: [],
    spentMs: 0,
    truncated: false,
    /** @type {number[][]} */
    rounds: [],
    example: spec.next().path,
  }));

  /**
   * @param {(typeof state)[number]} s
   * @param {boolean} timed
   * @returns {Promise<number | null>} ms when answered 200
   */
  async function once(s, timed) {
    const { path: urlPath, check } = s.spec.next();
    let res;
    try {
      res = await timedGet(`${apiUrl}${urlPath}`, agent);
    } catch (err) {
      s.errors += 1;
      s.firstError ??= `${urlPath}: ${/** @type {Error} */ (err).message}`;
      return null;
    }
    if (timed) s.spentMs += res.ms;
    if (res.status !== 200) {
      s.errors += 1;
      s.firstError ??= `${urlPath}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
      return null;
    }
    let verdict;
    try {
      verdict = check(JSON.parse(res.body.toString('utf8')));
    } catch (err) {
      verdict = { mismatch: `invalid JSON: ${/** @type {Error} */ (err).message}` };
    }
    if (verdict.rows !== undefined) s.rows.push(verdict.rows);
    if (verdict.mismatch) {
      s.mismatches += 1;
      s.firstMismatch ??= `${urlPath}: ${verdict.mismatch}`;
    }
    return res.ms;
  }

  // Warm-up: also finds the endpoints that do not exist yet (404/501) and leaves them out.
  const warm = createProgress({ label: 'warm-up', total: specs.length * flags.warmup, unit: 'requests' });
  let warmed = 0;
  for (const s of state) {
    for (let i = 0; i < flags.warmup; i++) {
      await once(s, false);
      warm.update(++warmed);
    }
    if (s.errors === flags.warmup) {
      s.available = false;
      s.unavailableReason = s.firstError;
      log(`\n${s.spec.name}: every warm-up request failed, not measured: ${s.firstError}`);
    }
  }
  warm.finish();

  const perRound = Math.ceil(flags.requests / flags.rounds);
  const active = state.filter((s) => s.available);
  const timed = createProgress({
    label: 'timed requests',
    total: active.length * perRound * flags.rounds,
    unit: 'requests',
  });
  let done = 0;
  const budgetMs = flags['max-seconds'] * 1000;
  const cpuStart = cpuSnapshot(collectorPid);
  for (let round = 0; round < flags.rounds; round++) {
    for (const s of active) s.rounds.push([]);
    for (let i = 0; i < perRound; i++) {
      // Interleaved: a background merge or GC pause lands on every query alike, not on one.
      for (const s of active) {
        if (s.spentMs > budgetMs) {
          s.truncated = true;
          continue;
        }
        const ms = await once(s, true);
        if (ms !== null) s.rounds[round]?.push(ms);
        timed.update(++done);
      }
    }
  }
  timed.finish();
  const cpu = cpuSince(cpuStart);

  const results = state.map((s) => {
    const base = {
      name: s.spec.name,
      label: s.spec.label,
      example: s.example,
      countsForTarget: s.spec.target,
    };
    const targetMs = targetOf(s.spec.target);
    if (!s.available) return { ...base, measured: false, reason: s.unavailableReason };
    const latency = summarizeRounds(s.rounds);
    return {
      ...base,
      measured: true,
      latencyMs: latency,
      meanRows: s.rows.length
        ? Math.round((s.rows.reduce((a, b) => a + b, 0) / s.rows.length) * 10) / 10
        : null,
      errors: s.errors,
      firstError: s.firstError,
      mismatches: s.mismatches,
      firstMismatch: s.firstMismatch,
      truncated: s.truncated,
      targetMs,
      meetsTarget: targetMs === null ? null : latency.p95 <= targetMs,
    };
  });
  return { results, cpu };
}
