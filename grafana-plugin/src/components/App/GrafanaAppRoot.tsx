// The root page inside Grafana: the plugin-proxy client, Grafana's URL for Explore links and the data source
// uids from the plugin settings, around the host-agnostic App.
import type { AppRootProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { useMemo } from 'react';
import { BeaconProvider } from '../../api/context';
import { createProxyClient } from '../../api/proxyClient';
import { type BeaconJsonData, PLUGIN_BASE_URL } from '../../constants';
import { App } from './App';

export function GrafanaAppRoot({ meta }: AppRootProps<BeaconJsonData>) {
  const client = useMemo(() => createProxyClient(), []);
  const jsonData = meta.jsonData ?? {};
  return (
    <BeaconProvider
      client={client}
      host="grafana"
      basePath={PLUGIN_BASE_URL}
      links={{
        grafanaUrl: config.appSubUrl ?? '',
        jaegerDatasourceUid: jsonData.jaegerDatasourceUid,
        lokiDatasourceUid: jsonData.lokiDatasourceUid,
      }}
    >
      <App />
    </BeaconProvider>
  );
}

export default GrafanaAppRoot;
