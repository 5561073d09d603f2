import type {
  PromptVersion,
  ReplayCallView,
  ReplayRequest,
  ReplayResult,
  SpanView,
} from '@beacon/collector/api-contract';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agentTrace, TRACE_ID } from '../../../test/fixtures';
import { deferred, fakeClient, renderPage } from '../../../test/render';
import type { ReplayStreamHandlers } from '../../api/client';
import { BeaconApiError } from '../../api/client';
import { formatTime } from '../../utils/format';
import type { TextEditorProps } from './TextEditor';

// Monaco cannot run in jsdom: the editor wrapper becomes a textarea with the same name and value.
vi.mock('./TextEditor', () => ({
  TextEditor: ({ label, value, onChange, readOnly }: TextEditorProps) =>
    createElement('textarea', {
      'aria-label': label,
      value,
      readOnly,
      onChange: (e: { currentTarget: HTMLTextAreaElement }) => onChange(e.currentTarget.value),
    }),
}));

const { ReplayPanel } = await import('./ReplayPanel');

const llm2 = (): SpanView => agentTrace().find((s) => s.spanId === 'llm2')!;
const ORIGINAL = 'Stay at Hotel Avenida; pack an umbrella.';
const CREATED_MS = Date.now() - 60_000;

function call(over: Partial<ReplayCallView> = {}): ReplayCallView {
  return {
    traceId: TRACE_ID,
    spanId: 'llm2',
    provider: 'openai',
    model: 'gpt-4o',
    output: ORIGINAL,
    outputMessages: [],
    finishReasons: ['stop'],
    usage: {
      inputTokens: 1650,
      outputTokens: 40,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
    },
    costUsd: 0.0029,
    durationMs: 25,
    ...over,
  };
}

function version(over: Partial<PromptVersion> = {}): PromptVersion {
  return {
    id: 'v-1',
    promptKey: 'travel-agent/planner',
    version: 1,
    label: null,
    createdAt: `${CREATED_MS}000000`,
    sourceTraceId: TRACE_ID,
    sourceSpanId: 'llm2',
    edit: {
      provider: 'openai',
      model: 'gpt-4o',
      system: 'You are a travel planner.',
      messages: [],
      temperature: null,
      maxTokens: null,
      tools: [],
    },
    replayTraceId: null,
    ...over,
  };
}

function result(output: string, over: Partial<ReplayCallView> = {}): ReplayResult {
  return {
    original: call(),
    replay: call({
      traceId: 'replaytrace0001',
      spanId: 'replayspan01',
      output,
      usage: {
        inputTokens: 1500,
        outputTokens: 52,
        cacheReadTokens: null,
        cacheWriteTokens: null,
        reasoningTokens: null,
      },
      costUsd: 0.0031,
      durationMs: 140,
      ...over,
    }),
    diff: [
      { op: 'equal', text: 'Stay at Hotel ' },
      { op: 'delete', text: 'Avenida' },
      { op: 'insert', text: 'Lisboa' },
      { op: 'equal', text: '; pack an umbrella.' },
    ],
    version: version({ id: 'v-2', version: 2, label: 'shorter', replayTraceId: 'replaytrace0001' }),
  };
}

function renderPanel(client = fakeClient(), span = llm2()) {
  renderPage(<ReplayPanel span={span} />, { client });
  return client;
}

const editor = (name: string) => screen.getByLabelText(name) as HTMLTextAreaElement;
const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('Replay panel: editing and running', () => {
  it("starts from the span's call and sends every edit in the request body", async () => {
    const client = renderPanel();
    client.replayStream.mockResolvedValue(result('Stay at Hotel Lisboa; pack an umbrella.'));

    expect(editor('System prompt').value).toBe('You are a travel planner.');
    expect(JSON.parse(editor('Messages').value)).toEqual(llm2().genai!.inputMessages);
    expect((screen.getByLabelText('Model') as HTMLInputElement).value).toBe('gpt-4o');
    const suggestions = [...screen.getByTestId('model-suggestions').querySelectorAll('option')].map(
      (o) => o.value,
    );
    expect(suggestions[0]).toBe('gpt-4o');
    expect(suggestions).toContain('gpt-4o-mini');

    type(editor('System prompt'), 'You are a frugal travel planner.');
    type(editor('Messages'), JSON.stringify([{ role: 'user', content: 'Plan a cheap weekend in Porto' }]));
    type(screen.getByLabelText('Model'), 'gpt-4.1-mini');
    fireEvent.click(screen.getByLabelText('Anthropic'));
    type(screen.getByLabelText('Temperature'), '0.2');
    type(screen.getByLabelText('Max tokens'), '300');
    fireEvent.click(screen.getByText('Endpoint and API key'));
    type(screen.getByLabelText('Base URL'), 'http://localhost:11434/v1');
    type(screen.getByLabelText('Version label'), 'frugal');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));

    await waitFor(() => expect(client.replayStream).toHaveBeenCalledTimes(1));
    const request = client.replayStream.mock.calls[0]![0];
    expect(request).toEqual<ReplayRequest>({
      traceId: TRACE_ID,
      spanId: 'llm2',
      provider: 'anthropic',
      model: 'gpt-4.1-mini',
      system: 'You are a frugal travel planner.',
      messages: [{ role: 'user', parts: [{ type: 'text', content: 'Plan a cheap weekend in Porto' }] }],
      temperature: 0.2,
      maxTokens: 300,
      baseUrl: 'http://localhost:11434/v1',
      label: 'frugal',
    });
    expect(await screen.findByTestId('replay-diff')).toBeTruthy();
  });

  it('refuses to run with invalid fields and names them', async () => {
    const client = renderPanel();
    type(editor('Messages'), '[{"role": "user", "content": ');
    type(screen.getByLabelText('Model'), ' ');
    type(screen.getByLabelText('Temperature'), '7');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByText(/^Not valid JSON/)).toBeTruthy();
    expect(screen.getByText('Pick or type a model')).toBeTruthy();
    expect(screen.getByText('A number from 0 to 2')).toBeTruthy();
    expect(client.replayStream).not.toHaveBeenCalled();
  });
});

describe('Replay panel: streaming', () => {
  it('shows the new completion as it streams, then both completions, the diff and the numbers', async () => {
    const client = fakeClient();
    const done = deferred<ReplayResult>();
    let handlers: ReplayStreamHandlers | undefined;
    client.replayStream.mockImplementation((_req, h) => {
      handlers = h;
      return done.promise;
    });
    renderPanel(client);
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(handlers).toBeDefined());

    const text = () => screen.getByTestId('new-completion-text').textContent;
    expect(screen.getByText('streaming…')).toBeTruthy();
    expect(screen.getByTestId('original-completion-text').textContent).toBe(ORIGINAL);
    act(() => handlers!.onDelta('Stay at Hotel '));
    expect(text()).toBe('Stay at Hotel ');
    act(() => handlers!.onDelta('Lisboa;'));
    expect(text()).toBe('Stay at Hotel Lisboa;');
    expect(screen.getByRole('button', { name: /Run/ }).hasAttribute('disabled')).toBe(true);
    expect(screen.queryByTestId('replay-diff')).toBeNull();

    await act(async () => done.resolve(result('Stay at Hotel Lisboa; pack an umbrella.')));
    expect(text()).toBe('Stay at Hotel Lisboa; pack an umbrella.');
    expect(screen.queryByText('streaming…')).toBeNull();

    const diff = screen.getByTestId('replay-diff');
    expect(
      within(diff)
        .getAllByTestId('diff-delete')
        .map((d) => d.textContent),
    ).toEqual(['Avenida']);
    expect(
      within(diff)
        .getAllByTestId('diff-insert')
        .map((d) => d.textContent),
    ).toEqual(['Lisboa']);
    expect(diff.textContent).toContain('1 insertion, 1 deletion');

    const stats = screen.getByTestId('replay-stats');
    const row = (metric: string) =>
      [...stats.querySelectorAll(`tr[data-metric="${metric}"] td`)].map((td) => td.textContent);
    expect(row('Input tokens')).toEqual(['1650', '1500', '−150']);
    expect(row('Output tokens')).toEqual(['40', '52', '+12']);
    expect(row('Cost')).toEqual(['$0.0029', '$0.0031', '+$0.0002']);
    expect(row('Latency')).toEqual(['25 ms', '140 ms', '+115 ms']);
    expect(screen.getByTestId('replay-trace-link').getAttribute('href')).toBe(
      '/a/beacon-agents-app/traces/replaytrace0001/replayspan01',
    );
    expect(screen.getByText(/Saved as version 2/).textContent).toContain('shorter');
    // the run saved a version: the history is read again
    await waitFor(() => expect(client.listPromptVersions).toHaveBeenCalledTimes(2));
    expect(client.listPromptVersions).toHaveBeenCalledWith(
      { traceId: TRACE_ID, spanId: 'llm2' },
      expect.anything(),
    );
  });

  it('shows what went wrong when the replay fails mid-stream', async () => {
    const client = fakeClient();
    client.replayStream.mockImplementation(async (_req, h) => {
      h.onDelta('Partial ');
      throw new BeaconApiError(502, 'provider_error', 'rate limited by the provider');
    });
    renderPanel(client);
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByText('The replay failed')).toBeTruthy();
    expect(screen.getByText(/rate limited by the provider/)).toBeTruthy();
    expect(screen.getByTestId('new-completion-text').textContent).toBe('Partial ');
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false);
  });
});

describe('Replay panel: prompt versions', () => {
  it('lists versions and restores one into the editor', async () => {
    const client = fakeClient();
    const v1 = version({
      id: 'v-1',
      version: 1,
      label: 'terse',
      replayTraceId: 'replaytrace0001',
      edit: {
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        system: 'Answer in one line.',
        messages: [{ role: 'user', parts: [{ type: 'text', content: 'Lisbon, 2 days' }] }],
        temperature: 0.3,
        maxTokens: 120,
        tools: [],
      },
    });
    client.listPromptVersions.mockResolvedValue({
      promptKey: v1.promptKey,
      versions: [version({ id: 'v-2', version: 2, edit: { ...v1.edit, model: 'gpt-4o' } }), v1],
    });
    client.restorePromptVersion.mockResolvedValue(version({ id: 'v-3', version: 3, edit: v1.edit }));
    renderPanel(client);

    const rows = await screen.findAllByTestId('version-row');
    expect(rows.map((r) => r.querySelector('td')!.textContent)).toEqual(['v2', 'v1']);
    expect(within(rows[1]!).getByText('terse')).toBeTruthy();
    expect(within(rows[1]!).getByText('claude-haiku-4-5')).toBeTruthy();
    expect(within(rows[1]!).getByText(formatTime(CREATED_MS))).toBeTruthy();
    expect(within(rows[1]!).getByText('replaytr').closest('a')!.getAttribute('href')).toBe(
      '/a/beacon-agents-app/traces/replaytrace0001',
    );
    expect(within(rows[0]!).getByText('not run')).toBeTruthy();

    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Restore version 1' }));
    expect(editor('System prompt').value).toBe('Answer in one line.');
    expect(JSON.parse(editor('Messages').value)).toEqual(v1.edit.messages);
    expect((screen.getByLabelText('Model') as HTMLInputElement).value).toBe('claude-haiku-4-5');
    expect((screen.getByLabelText('Temperature') as HTMLInputElement).value).toBe('0.3');
    expect((screen.getByLabelText('Max tokens') as HTMLInputElement).value).toBe('120');
    expect((screen.getByLabelText('Anthropic') as HTMLInputElement).checked).toBe(true);
    expect(client.restorePromptVersion).toHaveBeenCalledWith('v-1');
    await waitFor(() => expect(client.listPromptVersions).toHaveBeenCalledTimes(2));

    // running now sends the restored edit
    client.replayStream.mockResolvedValue(result('One line.'));
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(client.replayStream).toHaveBeenCalled());
    expect(client.replayStream.mock.calls[0]![0]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      system: 'Answer in one line.',
      messages: v1.edit.messages,
      temperature: 0.3,
      maxTokens: 120,
    });
  });

  it('shows the empty and error states of the version history', async () => {
    const client = fakeClient();
    renderPanel(client);
    expect(await screen.findByText(/No saved versions of this prompt yet/)).toBeTruthy();

    const failing = fakeClient();
    failing.listPromptVersions.mockRejectedValue(
      new BeaconApiError(500, 'internal', 'versions table missing'),
    );
    renderPanel(failing);
    expect(await screen.findByText('Could not load prompt versions')).toBeTruthy();
    expect(screen.getByText(/versions table missing/)).toBeTruthy();
  });
});

describe('Replay panel: API key and token count', () => {
  it('sends an API key only in the body of that request and keeps it nowhere else', async () => {
    const client = renderPanel();
    client.replayStream.mockResolvedValue(result('ok'));
    const key = 'sk-test-0123456789abcdef';
    fireEvent.click(screen.getByText('Endpoint and API key'));
    const field = screen.getByLabelText('API key') as HTMLInputElement;
    expect(field.type).toBe('password');
    expect(screen.getByText(/sent only in the body of this replay request/)).toBeTruthy();
    type(field, key);
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await screen.findByTestId('replay-diff');

    expect(client.replayStream.mock.calls[0]![0].apiKey).toBe(key);
    const stored = [
      ...Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`),
      ...Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`),
      document.cookie,
      window.location.href,
    ].join('\n');
    expect(stored).not.toContain(key);
    // the rest of the UI never echoes it
    expect(document.body.textContent).not.toContain(key);
    // without a key typed, none is sent (the collector's configured key applies)
    type(field, '');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(client.replayStream).toHaveBeenCalledTimes(2));
    expect(client.replayStream.mock.calls[1]![0]).not.toHaveProperty('apiKey');
  });

  it('counts the prompt tokens live, as an estimate for non-OpenAI models', async () => {
    renderPanel();
    const count = await screen.findByTestId('token-count', {}, { timeout: 10_000 });
    const text = 'Plan a quiet weekend in Sintra with two museum visits';
    type(editor('System prompt'), '');
    type(editor('Messages'), JSON.stringify([{ role: 'user', content: text }]));
    await waitFor(() => expect(count.getAttribute('data-tokens')).toBe(String(countTokens(text))));
    expect(count.getAttribute('data-estimate')).toBe('false');
    expect(count.textContent).not.toContain('≈');

    type(editor('Messages'), JSON.stringify([{ role: 'user', content: `${text} and a day at the beach` }]));
    await waitFor(() =>
      expect(Number(count.getAttribute('data-tokens'))).toBe(countTokens(`${text} and a day at the beach`)),
    );
    fireEvent.click(screen.getByLabelText('Anthropic'));
    type(screen.getByLabelText('Model'), 'claude-sonnet-4-5');
    expect(screen.getByTestId('token-count').getAttribute('data-estimate')).toBe('true');
    expect(screen.getByTestId('token-count').textContent).toMatch(/^≈ .*estimate/);
  });
});

describe('Replay panel: A/B', () => {
  it('A/B: runs two edits at once and diffs their completions', async () => {
    const client = fakeClient();
    const runs = new Map<string, ReturnType<typeof deferred<ReplayResult>>>();
    client.replayStream.mockImplementation((req) => {
      const d = deferred<ReplayResult>();
      runs.set(req.model!, d);
      return d.promise;
    });
    renderPanel(client);
    fireEvent.click(screen.getByLabelText('A/B'));
    const a = screen.getByTestId('prompt-editor-A');
    const b = screen.getByTestId('prompt-editor-B');
    // B starts as a copy of A; change B's model
    expect((within(b).getByLabelText('B: Model') as HTMLInputElement).value).toBe('gpt-4o');
    type(within(b).getByLabelText('B: Model'), 'gpt-4o-mini');
    type(within(a).getByLabelText('A: System prompt'), 'Be brief.');
    fireEvent.click(screen.getByRole('button', { name: 'Run A and B' }));

    await waitFor(() => expect(client.replayStream).toHaveBeenCalledTimes(2));
    const [reqA, reqB] = client.replayStream.mock.calls.map((c) => c[0]);
    expect(reqA).toMatchObject({ model: 'gpt-4o', system: 'Be brief.', label: 'A' });
    expect(reqB).toMatchObject({ model: 'gpt-4o-mini', system: 'You are a travel planner.', label: 'B' });

    await act(async () => runs.get('gpt-4o-mini')!.resolve(result('Stay near Baixa and pack light.')));
    expect(screen.getByTestId('completion-B-text').textContent).toBe('Stay near Baixa and pack light.');
    expect(screen.getByText('streaming…')).toBeTruthy(); // A still running
    expect(screen.queryByTestId('ab-diff')).toBeNull();
    await act(async () => runs.get('gpt-4o')!.resolve(result('Stay near Chiado and pack an umbrella.')));

    const abDiff = screen.getByTestId('ab-diff');
    expect(
      within(abDiff)
        .getAllByTestId('diff-delete')
        .map((d) => d.textContent),
    ).toEqual(['Chiado', 'an umbrella']);
    expect(
      within(abDiff)
        .getAllByTestId('diff-insert')
        .map((d) => d.textContent),
    ).toEqual(['Baixa', 'light']);
    const stats = screen.getByTestId('replay-stats');
    expect([...stats.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      '',
      'Original',
      'A',
      'B',
    ]);
    expect(screen.getAllByTestId('replay-trace-link')).toHaveLength(2);
  });
});
