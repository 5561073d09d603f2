// "Open in Jaeger/Explore" and "Logs for this trace": Explore URLs built from the trace id, with the data source
// uids from the plugin settings. Hidden when the host has no Grafana to link to.
import { LinkButton } from '@grafana/ui';
import { useBeaconEnv } from '../../api/context';
import { jaegerTraceUrl, lokiLogsUrl, type TraceLinkTarget } from '../../utils/links';

export function TraceLinks({ target }: { target: TraceLinkTarget }) {
  const { links } = useBeaconEnv();
  const jaeger = jaegerTraceUrl(links, target);
  const logs = lokiLogsUrl(links, target);
  if (!jaeger && !logs) return null;
  return (
    <>
      {jaeger && (
        <LinkButton variant="secondary" icon="compass" href={jaeger} size="sm">
          Open in Jaeger/Explore
        </LinkButton>
      )}
      {logs && (
        <LinkButton variant="secondary" icon="gf-logs" href={logs} size="sm">
          Logs for this trace
        </LinkButton>
      )}
    </>
  );
}
