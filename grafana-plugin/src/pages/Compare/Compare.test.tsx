import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { agentTrace, genai, span, traceDetail } from '../../../test/fixtures';
import { fakeClient, location, renderPage } from '../../../test/render';
import { ComparePage } from './Compare';

const URL = '/a/beacon-agents-app/compare';

describe('Compare page', () => {
  it('shows metric deltas and the first point where the structure diverges', async () => {
    const a = traceDetail(agentTrace(), { traceId: 'aaaa', durationMs: 100, costUsd: 0.01, errorCount: 1 });
    // B: same start, but after the first LLM call it calls a different tool, then answers
    const bSpans = agentTrace().filter((s) => s.spanId !== 'tool2');
    const tool1 = bSpans.find((s) => s.spanId === 'tool1')!;
    tool1.name = 'execute_tool browse';
    tool1.genai = genai({ operation: 'execute_tool', toolName: 'browse' });
    bSpans.push(
      span({
        spanId: 'extra',
        parentSpanId: 'root',
        name: 'execute_tool search',
        start: 41,
        duration: 5,
        genai: genai({ operation: 'execute_tool', toolName: 'search' }),
      }),
    );
    const b = traceDetail(bSpans, {
      traceId: 'bbbb',
      durationMs: 150,
      costUsd: 0.015,
      errorCount: 0,
      status: 'ok',
      inputTokens: 3000,
    });

    const client = fakeClient();
    client.getTrace.mockImplementation((id) => Promise.resolve(id === 'aaaa' ? a : b));
    renderPage(<ComparePage />, { client, url: `${URL}?a=aaaa&b=bbbb` });

    const metrics = await screen.findByTestId('compare-metrics');
    const delta = (key: string) =>
      within(within(metrics).getByTestId(`metric-${key}`)).getByTestId('delta').textContent;
    expect(delta('duration')).toBe('+50 ms (+50%)');
    expect(delta('cost')).toBe('+$0.0050 (+50%)');
    expect(delta('inputTokens')).toBe('+150 (+5%)');
    expect(delta('spans')).toBe('±0');
    expect(delta('errors')).toBe('−1 (−100%)');

    const divergence = screen.getByTestId('divergence');
    // start order: root, llm1, then A runs tool2 "weather" (10–70) where B runs "browse"
    expect(within(divergence).getByText('Structure diverges at step 3')).toBeTruthy();
    expect(divergence.textContent).toContain('A runs tool “weather”');
    expect(divergence.textContent).toContain('B runs tool “browse”');
    const diverging = within(divergence).getAllByTestId('diverging-step');
    expect(diverging.map((el) => el.textContent)).toEqual(['tool weather', 'tool browse']);
    expect(diverging[0]!.querySelector('a')!.getAttribute('href')).toBe(
      '/a/beacon-agents-app/traces/aaaa/tool2',
    );
  });

  it('says when the structure is the same, asks for ids when missing, and reports a missing trace', async () => {
    const client = fakeClient();
    client.getTrace.mockImplementation((id) => Promise.resolve(traceDetail(agentTrace(), { traceId: id })));
    const first = renderPage(<ComparePage />, { client, url: `${URL}?a=x&b=y` });
    expect(await screen.findByText('Same structure')).toBeTruthy();
    first.unmount();

    const second = renderPage(<ComparePage />, { client, url: URL });
    expect(await screen.findByText('Enter two trace ids to compare')).toBeTruthy();
    fireEvent.change(document.getElementById('beacon-compare-a')!, { target: { value: 'one' } });
    fireEvent.change(document.getElementById('beacon-compare-b')!, { target: { value: 'two' } });
    fireEvent.click(screen.getByRole('button', { name: /Compare/ }));
    expect(location()).toBe(`${URL}?a=one&b=two`);
    expect(await screen.findByText('Same structure')).toBeTruthy();
    second.unmount();

    client.getTrace.mockImplementation((id) =>
      id === 'gone' ? Promise.reject(new Error('not found')) : Promise.resolve(traceDetail()),
    );
    renderPage(<ComparePage />, { client, url: `${URL}?a=ok&b=gone` });
    expect(await screen.findByText('Could not load the traces')).toBeTruthy();
    expect(screen.getByText('Trace B (gone): not found')).toBeTruthy();
  });
});
