// Renders app components the way a host does: a router, and a BeaconProvider with a (fake) BeaconClient.
import type {
  AgentMapResponse,
  AnalysisResponse,
  BaselineResponse,
  BudgetBurndownResponse,
  BudgetListResponse,
  CreateShareResponse,
  PromptVersion,
  PromptVersionListResponse,
  ReplayResult,
  SearchResponse,
  SessionDetailResponse,
  SessionListResponse,
  SharedTraceResponse,
  ShareLink,
  ShareListResponse,
  TraceDetailResponse,
  TraceExportJson,
  TraceGraphResponse,
  TraceListResponse,
} from '@beacon/collector/api-contract';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { vi } from 'vitest';
import { BeaconApiError, type BeaconClient } from '../src/api/client';
import { BeaconProvider, type ExploreLinksConfig } from '../src/api/context';

/**
 * A test double of the app's data client: every method a vi.fn; the list is empty, traces are 404, there are no
 * prompt versions, and replays and analyses fail (503: not configured) until a test says otherwise.
 */
export function fakeClient() {
  const notFound = <T,>() => Promise.reject<T>(new BeaconApiError(404, 'not_found', 'not found'));
  const unavailable = <T,>() =>
    Promise.reject<T>(new BeaconApiError(503, 'unavailable', 'not available in this test'));
  const getTrace = vi.fn<BeaconClient['getTrace']>(() => notFound<TraceDetailResponse>());
  return {
    listTraces: vi.fn<BeaconClient['listTraces']>(() =>
      Promise.resolve<TraceListResponse>({ traces: [], nextCursor: null }),
    ),
    getTrace,
    // A test sets the trace once (getTrace); its outline and each span are read from it, whole — the collector's
    // tests check what an outline leaves out.
    getTraceOutline: vi.fn<BeaconClient['getTraceOutline']>((traceId, options) => getTrace(traceId, options)),
    getTraceSpan: vi.fn<BeaconClient['getTraceSpan']>(async (traceId, spanId, options) => {
      const span = (await getTrace(traceId, options)).spans.find((s) => s.spanId === spanId);
      if (!span) throw new BeaconApiError(404, 'not_found', `span ${spanId} not found`);
      return { span };
    }),
    getTraceGraph: vi.fn<BeaconClient['getTraceGraph']>(() => notFound<TraceGraphResponse>()),
    exportTrace: vi.fn<BeaconClient['exportTrace']>(() => notFound<TraceExportJson>()),
    search: vi.fn<BeaconClient['search']>(() => Promise.resolve<SearchResponse>({ hits: [] })),
    replay: vi.fn<BeaconClient['replay']>(() => unavailable<ReplayResult>()),
    replayStream: vi.fn<BeaconClient['replayStream']>(() => unavailable<ReplayResult>()),
    listPromptVersions: vi.fn<BeaconClient['listPromptVersions']>(() =>
      Promise.resolve<PromptVersionListResponse>({ promptKey: 'test', versions: [] }),
    ),
    getPromptVersion: vi.fn<BeaconClient['getPromptVersion']>(() => notFound<PromptVersion>()),
    restorePromptVersion: vi.fn<BeaconClient['restorePromptVersion']>(() => notFound<PromptVersion>()),
    analyze: vi.fn<BeaconClient['analyze']>(() => unavailable<AnalysisResponse>()),
    markBaseline: vi.fn<BeaconClient['markBaseline']>(() => unavailable<BaselineResponse>()),
    createShare: vi.fn<BeaconClient['createShare']>(() => unavailable<CreateShareResponse>()),
    listShares: vi.fn<BeaconClient['listShares']>(() => Promise.resolve<ShareListResponse>({ shares: [] })),
    revokeShare: vi.fn<BeaconClient['revokeShare']>(() => notFound<ShareLink>()),
    getSharedTrace: vi.fn<BeaconClient['getSharedTrace']>(() => notFound<SharedTraceResponse>()),
    listSessions: vi.fn<BeaconClient['listSessions']>(() =>
      Promise.resolve<SessionListResponse>({ sessions: [], nextCursor: null }),
    ),
    getSession: vi.fn<BeaconClient['getSession']>(() => notFound<SessionDetailResponse>()),
    getAgentMap: vi.fn<BeaconClient['getAgentMap']>(() =>
      Promise.resolve<AgentMapResponse>({ from: '0', to: '0', traces: 0, nodes: [], edges: [] }),
    ),
    listBudgets: vi.fn<BeaconClient['listBudgets']>(() =>
      Promise.resolve<BudgetListResponse>({ budgets: [] }),
    ),
    getBudgetBurndown: vi.fn<BeaconClient['getBudgetBurndown']>(() => notFound<BudgetBurndownResponse>()),
  } satisfies BeaconClient;
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let currentLocation = '';
function LocationProbe() {
  const location = useLocation();
  currentLocation = `${location.pathname}${location.search}`;
  return null;
}
/** The router location after the last render. */
export function location(): string {
  return currentLocation;
}

export interface RenderOptions {
  client: BeaconClient;
  /** Initial URL. */
  url?: string;
  /** Route pattern the element is mounted on (absolute, as in Grafana). */
  path?: string;
  links?: Partial<ExploreLinksConfig>;
}

export function renderPage(element: ReactElement, { client, url = '/', path = '*', links }: RenderOptions) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <BeaconProvider client={client} links={links}>
        <LocationProbe />
        <Routes>
          <Route path={path} element={element} />
        </Routes>
      </BeaconProvider>
    </MemoryRouter>,
  );
}
