import type {
  AnalysisResponse,
  SpanView,
  StepAlignment,
  StepEdit,
  TraceDetailResponse,
} from '@beacon/collector/api-contract';
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { agentTrace, genai, span, traceDetail } from '../../../test/fixtures';
import { fakeClient, location, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { ComparePage } from './Compare';

const URL = '/a/beacon-agents-app/compare';

/** The collector's labels (analysis/steps.ts), for the alignment the fake compare answers. */
function labelOf(s: SpanView): string {
  const g = s.genai;
  if (g?.operation === 'execute_tool') return `tool ${g.toolName}`;
  if (g?.operation === 'chat') return `model call ${g.requestModel}`;
  if (g?.operation === 'invoke_agent') return `agent ${g.agentName}`;
  return `span "${s.name}"`;
}

/** What the collector's compare says a call answered (analysis/steps.ts outputOf), for the fixtures' calls. */
function outputOf(s: SpanView): string | null {
  const g = s.genai;
  if (g?.operation === 'execute_tool') return g.toolResult ?? '';
  if (g?.operation !== 'chat') return null;
  return g.outputMessages
    .map((m) =>
      m.parts
        .map((p) => (p.type === 'text' ? String(p.content) : p.type === 'tool_call' ? `→ ${p.name}()` : ''))
        .join('\n'),
    )
    .join('\n\n');
}

/** What POST /analysis/compare with alignment answers: both runs' steps (in the tree order given) and the edits. */
function compareAnswer(
  a: TraceDetailResponse,
  aOrder: string[],
  b: TraceDetailResponse,
  bOrder: string[],
  edits: StepEdit[],
) {
  const steps = (detail: TraceDetailResponse, order: string[]) =>
    order.map((id) => {
      const s = detail.spans.find((x) => x.spanId === id)!;
      return {
        spanId: id,
        label: labelOf(s),
        depth: s.parentSpanId ? 1 : 0,
        startMs: Number(BigInt(s.startTimeUnixNano) - BigInt(detail.trace.startTimeUnixNano)) / 1e6,
        durationMs: s.durationMs,
        error: s.statusCode === 'Error' ? s.statusMessage : null,
        output: outputOf(s),
        arguments: s.genai?.operation === 'execute_tool' ? (s.genai.toolArguments ?? '') : null,
      };
    });
  const alignment: StepAlignment = {
    baselineSteps: steps(a, aOrder),
    steps: steps(b, bOrder),
    edits,
    exact: true,
    baselineTrace: a.trace,
    trace: b.trace,
  };
  return { kind: 'compare', findings: [], text: '', alignment } as unknown as AnalysisResponse;
}

/** agentTrace() in tree order: parent first, siblings by start time, then name. */
const TREE_ORDER = ['root', 'llm1', 'tool1', 'tool2', 'llm2', 'save'];

describe('Compare page', () => {
  it('shows metric deltas and the first point where the structure diverges', async () => {
    // A: the weather tool starts first (10 ms), then search (11 ms)
    const aSpans = agentTrace();
    aSpans.find((s) => s.spanId === 'tool1')!.startTimeUnixNano = String(
      BigInt(aSpans.find((s) => s.spanId === 'tool1')!.startTimeUnixNano) + 1_000_000n,
    );
    const a = traceDetail(aSpans, { traceId: 'aaaa', durationMs: 100, costUsd: 0.01, errorCount: 1 });
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
    client.analyze.mockResolvedValue(
      compareAnswer(
        a,
        ['root', 'llm1', 'tool2', 'tool1', 'llm2', 'save'],
        b,
        ['root', 'llm1', 'tool1', 'extra', 'llm2', 'save'],
        [{ kind: 'changed', step: 2, baselineStep: 2 }],
      ),
    );
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
    // tree order: root, llm1, then A runs tool2 "weather" (10–70) where B runs "browse"
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
    client.analyze.mockResolvedValue(compareAnswer(traceDetail(), TREE_ORDER, traceDetail(), TREE_ORDER, []));
    const first = renderPage(<ComparePage />, { client, url: `${URL}?a=x&b=y` });
    expect(await screen.findByText('Same structure')).toBeTruthy();
    expect(screen.getByTestId('divergence').textContent).toContain('The two runs match step for step');
    expect(client.analyze).toHaveBeenCalledWith(
      'compare',
      { traceId: 'y', baselineTraceId: 'x', refine: false, alignment: true },
      expect.anything(),
    );
    first.unmount();

    const second = renderPage(<ComparePage />, { client, url: URL });
    expect(await screen.findByText('Enter two trace ids to compare')).toBeTruthy();
    fireEvent.change(document.getElementById('beacon-compare-a')!, { target: { value: 'one' } });
    fireEvent.change(document.getElementById('beacon-compare-b')!, { target: { value: 'two' } });
    fireEvent.click(screen.getByRole('button', { name: /Compare/ }));
    expect(location()).toBe(`${URL}?a=one&b=two`);
    expect(await screen.findByText('Same structure')).toBeTruthy();
    second.unmount();

    // the collector's answer when B is not stored
    client.analyze.mockRejectedValue(new BeaconApiError(404, 'not_found', 'traceId: trace gone not found'));
    renderPage(<ComparePage />, { client, url: `${URL}?a=ok&b=gone` });
    expect(await screen.findByText('Could not load the traces')).toBeTruthy();
    expect(screen.getByText('Trace B (gone): not found')).toBeTruthy();
  });
});

describe('Compare page: the two timelines', () => {
  it('marks the divergence in both runs, moves between divergences, and diffs the outputs of aligned calls', async () => {
    const aSpans = agentTrace();
    // B: the final answer differs, and the weather tool is gone (a step only A ran)
    const bSpans = agentTrace().filter((s) => s.spanId !== 'tool2');
    const final = bSpans.find((s) => s.spanId === 'llm2')!;
    final.genai = {
      ...final.genai!,
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'Stay at Hotel Avenida; it will be sunny.' }] },
      ],
    };
    const client = fakeClient();
    client.analyze.mockResolvedValue(
      compareAnswer(
        traceDetail(aSpans),
        TREE_ORDER,
        traceDetail(bSpans),
        ['root', 'llm1', 'tool1', 'llm2', 'save'],
        [{ kind: 'removed', step: 3, baselineStep: 3 }],
      ),
    );
    renderPage(<ComparePage />, { client, url: `${URL}?a=aaaa&b=bbbb` });

    const timelines = await screen.findByTestId('compare-timelines');
    expect(screen.getByText('Structure diverges at step 4')).toBeTruthy();
    expect(screen.getByTestId('divergence').textContent).toContain('A runs tool “weather”, which B does not');
    const rows = within(timelines).getAllByTestId('compare-row');
    expect(rows.map((r) => r.dataset.kind)).toEqual(['same', 'same', 'same', 'removed', 'same', 'same']);
    // the removed step is selected first: A's cell names it, B's says it has none
    const removed = rows[3]!;
    expect(removed.getAttribute('aria-current')).toBe('true');
    expect(within(removed).getByTestId('compare-step-a').textContent).toContain('tool weather');
    expect(within(removed).getByTestId('compare-step-b').textContent).toBe('not in B');
    expect(screen.getByTestId('divergence-counter').textContent).toBe('Divergence 1 of 1');
    expect(screen.getByTestId('output-panel').textContent).toContain('Only A ran this step');

    // the final answers differ: marked, and the next output difference diffs them word by word
    expect(within(rows[4]!).getAllByText('output differs')).toHaveLength(2);
    expect(screen.getByTestId('output-counter').textContent).toBe('1 aligned call answered differently');
    fireEvent.click(screen.getByRole('button', { name: 'Next output difference' }));
    const diff = await screen.findByTestId('output-diff');
    expect(
      within(diff)
        .getAllByTestId('diff-delete')
        .map((d) => d.textContent)
        .join(''),
    ).toContain('umbrella');
    expect(
      within(diff)
        .getAllByTestId('diff-insert')
        .map((d) => d.textContent)
        .join(''),
    ).toContain('sunny');

    // an aligned pair with the same output says so
    fireEvent.click(within(timelines).getAllByTestId('compare-row')[1]!);
    expect((await screen.findByTestId('output-identical')).textContent).toContain(
      'The outputs are identical',
    );
    // back to the divergence
    fireEvent.click(screen.getByRole('button', { name: 'Next divergence' }));
    expect(within(timelines).getAllByTestId('compare-row')[3]!.getAttribute('aria-current')).toBe('true');
  });

  it('reports a comparison the collector could not make, naming the trace at fault', async () => {
    const client = fakeClient();
    client.analyze.mockRejectedValue(
      new BeaconApiError(400, 'invalid_argument', 'baselineTraceId: expected 32 hex characters'),
    );
    const first = renderPage(<ComparePage />, { client, url: `${URL}?a=x&b=y` });
    expect(await screen.findByText('Could not load the traces')).toBeTruthy();
    expect(screen.getByText('Trace A (x): expected 32 hex characters')).toBeTruthy();
    first.unmount();

    client.analyze.mockRejectedValue(new BeaconApiError(503, 'unavailable', 'storage is starting'));
    renderPage(<ComparePage />, { client, url: `${URL}?a=x&b=y` });
    expect(await screen.findByText('Comparison: storage is starting')).toBeTruthy();
  });
});
