// Says that a trace view holds only some of the trace's spans (the collector's BEACON_MAX_SPANS_PER_TRACE_VIEW) and
// offers every span as a download: the export route, fetched through the client so the host's auth applies.
import type { TraceTruncation } from '@beacon/collector/api-contract';
import { Alert, Button } from '@grafana/ui';
import { useState } from 'react';
import { useBeaconClient } from '../../api/context';

function saveJson(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

export function TruncatedTraceAlert({ traceId, truncated }: { traceId: string; truncated: TraceTruncation }) {
  const client = useBeaconClient();
  const [state, setState] = useState<'idle' | 'loading' | { error: string }>('idle');
  const leftOut = truncated.totalSpans - truncated.returnedSpans;
  const download = async () => {
    setState('loading');
    try {
      saveJson(`trace-${traceId}.json`, await client.exportTrace(traceId));
      setState('idle');
    } catch (err) {
      setState({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <Alert
      severity="info"
      title={`Showing ${truncated.returnedSpans.toLocaleString('en-US')} of ${truncated.totalSpans.toLocaleString('en-US')} spans`}
      data-testid="trace-truncated"
    >
      {leftOut.toLocaleString('en-US')} spans were left out of this view: every failed span and the spans
      above it are here, then the earliest spans. Download the whole trace (JSON export) to see them all.{' '}
      <Button
        size="sm"
        variant="secondary"
        icon="download-alt"
        onClick={download}
        disabled={state === 'loading'}
      >
        {state === 'loading' ? 'Preparing export…' : 'Download all spans'}
      </Button>
      {typeof state === 'object' && <div role="alert">Export failed: {state.error}</div>}
    </Alert>
  );
}
