// The plugin's configuration page: the collector URL and data source uids go to jsonData; the API key goes to
// secureJsonData through a SecretInput — Grafana never sends a stored key back, so it is never shown.
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { createProxyClient } from '../../api/proxyClient';
import { type BeaconJsonData, DEFAULT_JAEGER_UID, DEFAULT_LOKI_UID } from '../../constants';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<BeaconJsonData>> {}

interface State {
  collectorUrl: string;
  jaegerDatasourceUid: string;
  lokiDatasourceUid: string;
  /** A new key typed by the user ('' = none typed). */
  apiKey: string;
  /** Grafana holds a key (secureJsonFields.apiKey) and the user has not reset it. */
  isApiKeySet: boolean;
}

type SaveStatus = { kind: 'idle' } | { kind: 'saving' } | { kind: 'error'; message: string };
type TestStatus =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'ok'; message: string }
  | { kind: 'error'; message: string };

export function validCollectorUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export async function updatePluginSettings(pluginId: string, data: Partial<PluginMeta<BeaconJsonData>>) {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return lastValueFrom(response);
}

export function AppConfig({ plugin }: AppConfigProps) {
  const styles = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const hadKey = Boolean(secureJsonFields?.apiKey);
  const [state, setState] = useState<State>({
    collectorUrl: jsonData?.collectorUrl ?? '',
    jaegerDatasourceUid: jsonData?.jaegerDatasourceUid ?? '',
    lokiDatasourceUid: jsonData?.lokiDatasourceUid ?? '',
    apiKey: '',
    isApiKeySet: hadKey,
  });
  const [save, setSave] = useState<SaveStatus>({ kind: 'idle' });
  const [test, setTest] = useState<TestStatus>({ kind: 'idle' });

  const onChange = (key: keyof State) => (e: ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setState((s) => ({ ...s, [key]: value }));
  };
  const urlValid = validCollectorUrl(state.collectorUrl.trim());

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!urlValid) return;
    // Only send secureJsonData when the key changes: a new key, or a reset one (cleared). Leaving it out keeps
    // the stored key.
    let secureJsonData: { apiKey: string } | undefined;
    if (state.apiKey !== '') secureJsonData = { apiKey: state.apiKey };
    else if (hadKey && !state.isApiKeySet) secureJsonData = { apiKey: '' };
    setSave({ kind: 'saving' });
    try {
      await updatePluginSettings(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: {
          collectorUrl: state.collectorUrl.trim().replace(/\/+$/, ''),
          jaegerDatasourceUid: state.jaegerDatasourceUid.trim() || undefined,
          lokiDatasourceUid: state.lokiDatasourceUid.trim() || undefined,
        },
        ...(secureJsonData ? { secureJsonData } : {}),
      });
      setState((s) => ({ ...s, apiKey: '', isApiKeySet: s.isApiKeySet || s.apiKey !== '' }));
      setSave({ kind: 'idle' });
      // Grafana passes plugin settings to the app at load: reload so the app and its proxy route see them.
      locationService.reload();
    } catch (err) {
      const message =
        (err as { data?: { message?: string } })?.data?.message ?? (err as Error)?.message ?? String(err);
      setSave({ kind: 'error', message });
    }
  };

  const onTest = async () => {
    setTest({ kind: 'testing' });
    try {
      const res = await createProxyClient().listTraces({ limit: 1 });
      setTest({
        kind: 'ok',
        message:
          res.traces.length > 0
            ? 'Connected: the collector answers with traces.'
            : 'Connected (no traces yet).',
      });
    } catch (err) {
      setTest({ kind: 'error', message: (err as Error).message });
    }
  };

  return (
    <form onSubmit={onSubmit} className={styles.form} aria-label="Beacon settings">
      <FieldSet label="Beacon collector">
        <Field
          label="Collector URL"
          description="The collector's query API, as Grafana's server reaches it (port 4320 by default)."
          invalid={state.collectorUrl !== '' && !urlValid}
          error="An http:// or https:// URL"
          required
        >
          <Input
            id="beacon-config-collector-url"
            width={60}
            value={state.collectorUrl}
            placeholder="http://beacon-collector:4320"
            onChange={onChange('collectorUrl')}
          />
        </Field>
        <Field
          label="API key"
          description="Sent by Grafana's proxy as a Bearer token; stored encrypted and never shown again."
        >
          <SecretInput
            id="beacon-config-api-key"
            width={60}
            value={state.apiKey}
            isConfigured={state.isApiKeySet}
            placeholder="Collector API key (optional)"
            onChange={onChange('apiKey')}
            onReset={() => setState((s) => ({ ...s, apiKey: '', isApiKeySet: false }))}
          />
        </Field>
      </FieldSet>

      <FieldSet label="Links from a trace">
        <Field
          label="Jaeger data source uid"
          description={`"Open in Jaeger/Explore". Default: ${DEFAULT_JAEGER_UID}`}
        >
          <Input
            id="beacon-config-jaeger-uid"
            width={40}
            value={state.jaegerDatasourceUid}
            placeholder={DEFAULT_JAEGER_UID}
            onChange={onChange('jaegerDatasourceUid')}
          />
        </Field>
        <Field
          label="Loki data source uid"
          description={`"Logs for this trace". Default: ${DEFAULT_LOKI_UID}`}
        >
          <Input
            id="beacon-config-loki-uid"
            width={40}
            value={state.lokiDatasourceUid}
            placeholder={DEFAULT_LOKI_UID}
            onChange={onChange('lokiDatasourceUid')}
          />
        </Field>
      </FieldSet>

      {save.kind === 'error' && (
        <Alert severity="error" title="Could not save the settings">
          {save.message}
        </Alert>
      )}
      {test.kind === 'ok' && <Alert severity="success" title={test.message} />}
      {test.kind === 'error' && (
        <Alert severity="error" title="The collector did not answer">
          {test.message}
        </Alert>
      )}

      <Stack gap={1}>
        <Button type="submit" disabled={!urlValid || save.kind === 'saving'}>
          {save.kind === 'saving' ? 'Saving…' : 'Save settings'}
        </Button>
        <Button
          type="button"
          variant="secondary"
          disabled={!jsonData?.collectorUrl || test.kind === 'testing'}
          tooltip="Queries the collector through Grafana with the saved settings"
          onClick={onTest}
        >
          Test saved connection
        </Button>
      </Stack>
    </form>
  );
}

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    maxWidth: 800,
  }),
});
