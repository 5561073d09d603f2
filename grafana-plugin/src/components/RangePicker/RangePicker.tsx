// The time range of an aggregate page (error patterns, sessions, agent map), kept in the URL (`?range=6h`) like the other pages.
// Only bounded ranges: these pages aggregate, and "all time" would read every partition.
import { Field, Select } from '@grafana/ui';
import { useSearchParams } from 'react-router-dom';
import { BOUNDED_RANGES, DEFAULT_RANGE } from '../../utils/timeRange';

/** The page's range (`range` in the URL, default 24 hours) and a setter that keeps the rest of the URL. */
export function useUrlRange(): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const requested = params.get('range') ?? DEFAULT_RANGE;
  const range = BOUNDED_RANGES.some((o) => o.value === requested) ? requested : DEFAULT_RANGE;
  const setRange = (value: string) => {
    const next = new URLSearchParams(params);
    if (value === DEFAULT_RANGE) next.delete('range');
    else next.set('range', value);
    setParams(next, { replace: true });
  };
  return [range, setRange];
}

export function RangePicker({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label="Time range" style={{ marginBottom: 0 }}>
      <Select
        inputId={id}
        width={20}
        options={BOUNDED_RANGES}
        value={value}
        onChange={(v) => v.value && onChange(v.value)}
      />
    </Field>
  );
}
