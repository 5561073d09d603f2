import type { AnalysisResponse, Finding } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { TRACE_ID, traceDetail } from '../../../test/fixtures';
import { deferred, fakeClient, location, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { App } from '../../components/App/App';

// Monaco cannot run in jsdom: the replay editor becomes a textarea.
vi.mock('../../components/Replay/TextEditor', () => ({
  TextEditor: ({ label, value }: { label: string; value: string }) =>
    createElement('textarea', { 'aria-label': label, value, readOnly: true }),
}));

const BASE = '/a/beacon-agents-app';
/** The spans the derived agent graph draws a node for (`save` has no GenAI facts, so no node). */
const GRAPH_SPANS = ['root', 'llm1', 'tool1', 'tool2', 'llm2'];

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'spanIds'>): Finding {
  return {
    type: 'root_cause',
    category: null,
    severity: 'critical',
    title: 'A finding',
    detail: '',
    traceId: TRACE_ID,
    estimatedSavingsUsd: null,
    evidence: {},
    ...over,
  };
}

function response(over: Partial<AnalysisResponse>): AnalysisResponse {
  return {
    kind: 'root-cause',
    traceId: TRACE_ID,
    baselineTraceId: null,
    findings: [],
    text: '',
    totalEstimatedSavingsUsd: null,
    patterns: [],
    refinement: null,
    ...over,
  };
}

const ROOT_CAUSE = response({
  kind: 'root-cause',
  text: 'execute_tool weather failed (timeout) on the critical path; llm1 asked for it.',
  findings: [
    finding({
      id: 'root-cause-1',
      category: 'timeout',
      title: 'execute_tool weather timed out',
      detail: 'weather API timed out after 60ms',
      spanIds: ['tool2', 'llm1'],
    }),
  ],
});

function open(client = fakeClient(), url = `${BASE}/traces/${TRACE_ID}`) {
  client.getTrace.mockResolvedValue(traceDetail(undefined, { failureCategories: ['timeout'] }));
  renderPage(<App />, { client, url, path: `${BASE}/*` });
  return client;
}

async function analyze(kind: string) {
  fireEvent.click(await screen.findByTestId('analyze-menu'));
  fireEvent.click(await screen.findByTestId(`analyze-${kind}`));
}

/** Spans whose graph node / waterfall row carries the finding highlight. */
const highlightedNodes = () =>
  GRAPH_SPANS.filter(
    (id) => screen.getByTestId(`graph-node-${id}`).getAttribute('data-highlighted') === 'true',
  );
const highlightedRows = () =>
  screen
    .getAllByTestId('waterfall-row')
    .filter((row) => row.getAttribute('data-highlighted') === 'true')
    .map((row) => row.getAttribute('data-span-id'));

describe('Analyze menu on the trace page', () => {
  it('root cause: highlights the culprit in the graph and the waterfall and selects it', async () => {
    const client = open();
    const answer = deferred<AnalysisResponse>();
    client.analyze.mockReturnValue(answer.promise);
    await screen.findByTestId('agent-graph');
    expect(within(screen.getByTestId('trace-stats')).getByText('Timeout')).toBeTruthy(); // auto-tag
    expect(highlightedNodes()).toEqual([]);

    await analyze('root-cause');
    expect(client.analyze).toHaveBeenCalledWith('root-cause', { traceId: TRACE_ID }, expect.anything());
    expect(screen.getByText('Running root cause analysis…')).toBeTruthy();
    answer.resolve(ROOT_CAUSE);

    // The results panel is there from the start (with a spinner): wait for the answer's content, not the panel.
    const results = await screen.findByTestId('analysis-results');
    expect((await within(results).findByTestId('analysis-text')).textContent).toContain('failed (timeout)');
    const item = within(results).getByTestId('finding');
    expect(item.getAttribute('aria-pressed')).toBe('true');
    expect(within(item).getByText('critical')).toBeTruthy();
    expect(within(item).getByText('Timeout')).toBeTruthy();
    expect(within(item).getByText('execute_tool weather timed out')).toBeTruthy();

    // highlighted without a click, the first span selected
    await waitFor(() => expect(highlightedNodes()).toEqual(['llm1', 'tool2']));
    expect(within(screen.getByTestId('graph-node-tool2')).getByTestId('finding-marker')).toBeTruthy();
    expect(screen.getByTestId('graph-node-tool2').getAttribute('aria-description')).toMatch(/finding/);
    // the selection follows the highlight in an effect, a render later
    await waitFor(() => expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/tool2`));
    expect(within(await screen.findByTestId('span-detail')).getByText('execute_tool weather')).toBeTruthy();

    // the same spans in the waterfall
    fireEvent.click(screen.getByText('Timeline'));
    await screen.findByTestId('waterfall');
    expect(highlightedRows()).toEqual(['llm1', 'tool2']);
    expect(screen.getByTestId('span-bar-tool2').getAttribute('data-highlighted')).toBe('true');
    expect(screen.getByTestId('span-bar-tool2').getAttribute('aria-label')).toContain(
      'highlighted by a finding',
    );
    expect(screen.getByTestId('span-bar-llm2').getAttribute('data-highlighted')).toBe('false');
    expect(screen.getAllByTestId('finding-marker')).toHaveLength(2);

    // closing the analysis removes the highlight
    fireEvent.click(screen.getByRole('button', { name: 'Close the analysis' }));
    expect(screen.queryByTestId('analysis-results')).toBeNull();
    expect(highlightedRows()).toEqual([]);
  });

  it('cost: clicking a finding highlights its spans and selects the first; the AI text is marked', async () => {
    const client = open();
    client.analyze.mockResolvedValue(
      response({
        kind: 'cost',
        text: 'Two findings could save $0.0040 on this trace.',
        totalEstimatedSavingsUsd: 0.004,
        refinement: { model: 'gpt-4o-mini', text: 'Cache the system prompt [llm1, llm2].' },
        findings: [
          finding({
            id: 'cost-1',
            type: 'cacheable_prefix',
            severity: 'warning',
            title: 'Cacheable prefix',
            spanIds: ['llm2', 'llm1'],
            estimatedSavingsUsd: 0.0031,
          }),
          finding({
            id: 'cost-2',
            type: 'expensive_model',
            severity: 'info',
            title: 'Expensive model on a short prompt',
            spanIds: ['llm1'],
            estimatedSavingsUsd: 0.0009,
          }),
        ],
      }),
    );
    await screen.findByTestId('agent-graph');
    await analyze('cost');

    const results = await screen.findByTestId('analysis-results');
    const refinement = await within(results).findByTestId('analysis-refinement');
    expect(within(refinement).getByText('AI-written · gpt-4o-mini')).toBeTruthy();
    expect(refinement.textContent).toContain('Cache the system prompt');
    expect(within(results).getByTestId('total-savings').textContent).toContain('$0.0040');
    expect(
      within(results)
        .getAllByTestId('finding-savings')
        .map((s) => s.textContent),
    ).toEqual(['saves ≈ $0.0031', 'saves ≈ $0.0009']);
    // not a root cause: nothing highlighted until a finding is clicked
    expect(highlightedNodes()).toEqual([]);
    expect(location()).toBe(`${BASE}/traces/${TRACE_ID}`);

    const [first, second] = within(results).getAllByTestId('finding');
    fireEvent.click(first!);
    expect(highlightedNodes()).toEqual(['llm1', 'llm2']);
    expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/llm2`);
    fireEvent.click(second!);
    expect(highlightedNodes()).toEqual(['llm1']);
    expect(second!.getAttribute('aria-pressed')).toBe('true');
    expect(first!.getAttribute('aria-pressed')).toBe('false');
    expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/llm1`);
    fireEvent.click(screen.getByText('Timeline'));
    expect(highlightedRows()).toEqual(['llm1']);
  });

  it('shows a failed analysis and an empty one', async () => {
    const client = open();
    client.analyze.mockRejectedValueOnce(
      new BeaconApiError(404, 'no_baseline', 'No baseline marked for travel-agent / invoke_agent planner'),
    );
    await screen.findByTestId('agent-graph');
    await analyze('compare');
    expect(client.analyze).toHaveBeenLastCalledWith('compare', { traceId: TRACE_ID }, expect.anything());
    expect(await screen.findByText('Compare with baseline analysis failed')).toBeTruthy();
    expect(screen.getByText(/No baseline marked for travel-agent/)).toBeTruthy();

    client.analyze.mockResolvedValueOnce(response({ kind: 'anomalies', text: 'Nothing unusual.' }));
    await analyze('anomalies');
    expect(await screen.findByText('No findings.')).toBeTruthy();
    expect(screen.getByText('Nothing unusual.')).toBeTruthy();
    expect(screen.queryByText('Compare with baseline analysis failed')).toBeNull();
  });

  it('marks the trace as baseline', async () => {
    const client = open();
    client.markBaseline.mockResolvedValueOnce({
      traceId: TRACE_ID,
      baselineKey: 'travel-agent/invoke_agent planner',
    });
    await screen.findByTestId('agent-graph');
    fireEvent.click(screen.getByRole('button', { name: /Mark as baseline/ }));
    expect(client.markBaseline).toHaveBeenCalledWith(TRACE_ID);
    expect(await screen.findByText('Marked as baseline')).toBeTruthy();
    expect(screen.getByText('travel-agent/invoke_agent planner')).toBeTruthy();

    client.markBaseline.mockRejectedValueOnce(new BeaconApiError(500, 'internal', 'disk full'));
    fireEvent.click(screen.getByRole('button', { name: /Mark as baseline/ }));
    expect(await screen.findByText('Could not mark this trace as baseline')).toBeTruthy();
    expect(screen.getByText(/disk full/)).toBeTruthy();
  });

  it('opens the replay of an LLM call from its span detail', async () => {
    const client = open(fakeClient(), `${BASE}/traces/${TRACE_ID}/llm2`);
    const detail = await screen.findByTestId('span-detail');
    fireEvent.click(within(detail).getByRole('button', { name: /Replay/ }));
    expect(await screen.findByTestId('replay-panel')).toBeTruthy();
    expect(screen.getByText('Replay: chat gpt-4o')).toBeTruthy();
    await waitFor(() => expect(client.listPromptVersions).toHaveBeenCalled());

    // tool spans have no replay
    fireEvent.click(screen.getByTestId('graph-node-tool1'));
    await waitFor(() => expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/tool1`));
    expect(within(screen.getByTestId('span-detail')).queryByRole('button', { name: /Replay/ })).toBeNull();
  });
});
