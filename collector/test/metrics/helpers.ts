export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar?: Exemplar;
}

export interface Family {
  name: string;
  type: string;
  help: string;
}

export interface Exposition {
  samples: Sample[];
  families: Family[];
}

function parseNumber(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  if (Number.isNaN(value) && text !== 'NaN' && text !== 'Nan') throw new Error(`not a number: ${text}`);
  return value;
}

/** Parses `{a="x",b="y\"z"}` starting at `line[start]` === '{'; returns the labels and the index after '}'. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    const name = line.slice(i, eq).trim();
    if (line[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
    let value = '';
    let j = eq + 2;
    for (; line[j] !== '"'; j++) {
      if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
      if (line[j] === '\\') {
        j++;
        value += line[j] === 'n' ? '\n' : line[j];
      } else value += line[j];
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
  }
  return { labels, end: i + 1 };
}

/** Parses the Prometheus text format or OpenMetrics (exemplars included). */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: '', help: '' };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name = '', type = ''] = line.split(' ');
      family(name).type = type;
      continue;
    }
    if (line.startsWith('# HELP ')) {
      const [, , name = '', ...help] = line.split(' ');
      family(name).help = help.join(' ');
      continue;
    }
    if (line.startsWith('#')) continue;
    const nameEnd = line.search(/[{ ]/);
    const name = line.slice(0, nameEnd);
    let labels: Record<string, string> = {};
    let rest = line.slice(nameEnd);
    if (rest.startsWith('{')) {
      const parsed = parseLabels(line, nameEnd);
      labels = parsed.labels;
      rest = line.slice(parsed.end);
    }
    const [valuePart = '', exemplarPart] = rest.split(' # ');
    const sample: Sample = { name, labels, value: parseNumber(valuePart.trim().split(' ')[0]!) };
    if (exemplarPart !== undefined) {
      const parsed = parseLabels(exemplarPart, 0);
      const [value = '', timestamp] = exemplarPart.slice(parsed.end).trim().split(' ');
      sample.exemplar = {
        labels: parsed.labels,
        value: parseNumber(value),
        ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }),
      };
    }
    samples.push(sample);
  }
  return { samples, families: [...families.values()] };
}

/** Samples named `name` whose labels include every pair of `match`. */
export function select(samples: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(match).every(([key, value]) => s.labels[key] === value),
  );
}

/** Sum of `name` samples matching `match`. */
export function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return select(samples, name, match).reduce((sum, s) => sum + s.value, 0);
}

/** Sum of `name` by the value of `label` (like PromQL's `sum by (label)`). */
export function sumBy(
  samples: Sample[],
  name: string,
  label: string,
  match: Record<string, string> = {},
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of select(samples, name, match)) {
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

export const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export async function scrape(
  apiUrl: string,
  accept?: string,
): Promise<Exposition & { contentType: string; text: string }> {
  const res = await fetch(`${apiUrl}/metrics`, { headers: accept ? { accept } : {} });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return { ...parseExposition(text), contentType: res.headers.get('content-type') ?? '', text };
}

export {
  type AttrInput,
  newSpanId,
  newTraceId,
  postTraces,
  type SpanSpec,
  traceRequest,
} from '../support/otlp-json.js';
