// The trace page's views that need spans whole (the page itself draws from their outline): the selected span's
// detail and the Context tab. Each says it is loading rather than showing an outline's empty attributes and
// messages as if the span had none.
import type { SpanView, TraceDetailResponse } from '@beacon/collector/api-contract';
import { LoadingPlaceholder } from '@grafana/ui';
import { ContextView } from '../../components/ContextView/ContextView';
import { ErrorAlert } from '../../components/common/ErrorAlert';
import { SpanDetail } from '../../components/SpanDetail/SpanDetail';
import type { AsyncState } from '../../hooks/useAsync';
import { spanNodeKind } from '../../utils/spans';
import { useWholeSpan } from './hooks';

interface SelectedSpanDetailProps {
  traceId: string;
  /** The selected span's outline. */
  span: SpanView;
  spans: readonly SpanView[];
  traceStartMs: number;
}

export function SelectedSpanDetail({ traceId, span, spans, traceStartMs }: SelectedSpanDetailProps) {
  const whole = useWholeSpan(traceId, span, spans);
  if (whole.status === 'error')
    return <ErrorAlert title={`Could not load span ${span.name}`} error={whole.error} />;
  if (whole.status === 'loading' || !whole.value || whole.value.span.spanId !== span.spanId)
    return <LoadingPlaceholder text={`Loading ${span.name}…`} />;
  return <SpanDetail span={whole.value.span} traceStartMs={traceStartMs} spans={whole.value.spans} />;
}

interface TraceContextProps {
  /** The trace whole (useWholeTrace, kept by the page so that a return to the tab does not read it again). */
  whole: AsyncState<TraceDetailResponse | null>;
  /** The trace's outline: says how many calls are coming while their messages load. */
  spans: readonly SpanView[];
  selectedSpanId?: string | null;
  onSelect: (spanId: string) => void;
}

export function TraceContext({ whole, spans, selectedSpanId, onSelect }: TraceContextProps) {
  if (whole.status === 'error')
    return <ErrorAlert title="Could not load the conversations of this trace" error={whole.error} />;
  if (whole.status === 'loading' || !whole.value) {
    const calls = spans.filter((s) => spanNodeKind(s) === 'llm').length;
    return (
      <LoadingPlaceholder text={`Loading the messages of ${calls} LLM call${calls === 1 ? '' : 's'}…`} />
    );
  }
  return <ContextView spans={whole.value.spans} selectedSpanId={selectedSpanId} onSelect={onSelect} />;
}
