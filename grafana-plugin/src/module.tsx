import { AppPlugin, type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { lazy, Suspense } from 'react';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import type { BeaconJsonData } from './constants';

const LazyApp = lazy(() => import(/* webpackChunkName: "app" */ './components/App/GrafanaAppRoot'));
const LazyAppConfig = lazy(() => import(/* webpackChunkName: "config" */ './components/AppConfig/AppConfig'));

function App(props: AppRootProps<BeaconJsonData>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

function AppConfig(props: AppConfigProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyAppConfig {...props} />
    </Suspense>
  );
}

export const plugin = new AppPlugin<BeaconJsonData>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
