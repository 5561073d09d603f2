// The trace list's filters live in the URL (shareable, back-button friendly); this maps them to the API query.
import type { FailureCategory, TraceStatus } from '@beacon/collector/api-contract';
import type { TraceListQuery } from '../../api/client';
import { isFailureCategory } from '../../utils/failures';
import { DEFAULT_RANGE, rangeToMs } from '../../utils/timeRange';

export interface TraceFilters {
  q: string;
  service: string;
  agent: string;
  model: string;
  tag: string;
  status: '' | TraceStatus;
  /** Failure category auto-tagged at ingest. */
  failure: '' | FailureCategory;
  /** Relative range ('1h', '24h', …, 'all'); ignored when `from` is set. */
  range: string;
  /** Absolute bounds (RFC 3339 or epoch ms), e.g. from a link. */
  from: string;
  to: string;
  minCost: string;
  minDuration: string;
}

const KEYS = [
  'q',
  'service',
  'agent',
  'model',
  'tag',
  'status',
  'failure',
  'range',
  'from',
  'to',
  'minCost',
  'minDuration',
] as const;

export function readFilters(params: URLSearchParams): TraceFilters {
  const get = (k: string) => params.get(k)?.trim() ?? '';
  const status = get('status');
  return {
    q: get('q'),
    service: get('service'),
    agent: get('agent'),
    model: get('model'),
    tag: get('tag'),
    status: status === 'ok' || status === 'error' ? status : '',
    failure: isFailureCategory(get('failure')) ? (get('failure') as FailureCategory) : '',
    range: get('range') || DEFAULT_RANGE,
    from: get('from'),
    to: get('to'),
    minCost: get('minCost'),
    minDuration: get('minDuration'),
  };
}

export function writeFilters(filters: TraceFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = filters[key].trim();
    if (value === '' || (key === 'range' && value === DEFAULT_RANGE)) continue;
    params.set(key, value);
  }
  return params;
}

export function hasFilters(filters: TraceFilters): boolean {
  return KEYS.some((k) => k !== 'range' && filters[k] !== '');
}

function positive(value: string): number | undefined {
  const n = Number(value);
  return value !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

export function toQuery(filters: TraceFilters, now: number, cursor?: string, limit = 50): TraceListQuery {
  const relative = rangeToMs(filters.range);
  return {
    q: filters.q || undefined,
    service: filters.service || undefined,
    agent: filters.agent || undefined,
    model: filters.model || undefined,
    tag: filters.tag || undefined,
    status: filters.status || undefined,
    failure: filters.failure || undefined,
    from: filters.from || (relative !== null ? String(now - relative) : undefined),
    to: filters.to || undefined,
    minCostUsd: positive(filters.minCost),
    minDurationMs: positive(filters.minDuration),
    limit,
    cursor,
  };
}
