export type {
  BeaconClient,
  HttpMethod,
  PromptVersionQuery,
  ReplayStreamHandlers,
  RequestOptions,
  SearchQuery,
  StreamTransport,
  TraceListQuery,
  Transport,
  TransportOptions,
} from './client';
export { apiPath, BeaconApiError, createBeaconClient } from './client';
export type { AppPaths, BeaconEnv, BeaconHost, BeaconProviderProps, ExploreLinksConfig } from './context';
export { appPaths, BeaconProvider, useBeaconClient, useBeaconEnv, usePaths } from './context';
export { createFetchClient, type FetchClientOptions } from './fetchClient';
export { readServerSentEvents, type ServerSentEvent } from './sse';
