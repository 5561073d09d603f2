export type { BeaconClient, RequestOptions, SearchQuery, TraceListQuery, Transport } from './client';
export { apiPath, BeaconApiError, createBeaconClient } from './client';
export type { AppPaths, BeaconEnv, BeaconHost, BeaconProviderProps, ExploreLinksConfig } from './context';
export { appPaths, BeaconProvider, useBeaconClient, useBeaconEnv, usePaths } from './context';
export { createFetchClient, type FetchClientOptions } from './fetchClient';
