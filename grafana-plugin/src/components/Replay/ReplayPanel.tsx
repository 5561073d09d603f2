// Replay an LLM call with edits: the editor (prompt, model, provider, sampling, endpoint), Run with the new
// completion streaming in, the side-by-side result with its diff, and the prompt's version history. A/B mode runs
// two edits at once (two prompts or two models) and compares them.
import type { PromptVersion, ReplayResult, SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, RadioButtonGroup, Stack, Text, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useBeaconClient } from '../../api/context';
import { messageText } from '../../utils/messages';
import {
  type DraftErrors,
  draftFromEdit,
  draftFromSpan,
  modelOf,
  type ReplayDraft,
  toReplayRequest,
} from './draft';
import { PromptEditor } from './PromptEditor';
import { AbResult, type RunState, SingleResult } from './ReplayResults';
import { VersionHistory } from './VersionHistory';

type Mode = 'single' | 'ab';
const MODES: { label: string; value: Mode; description: string }[] = [
  { label: 'Single', value: 'single', description: 'Replay one edit against the original' },
  {
    label: 'A/B',
    value: 'ab',
    description: 'Run two edits (two prompts or two models) at once and compare them',
  },
];
const SLOTS = ['A', 'B'] as const;
const IDLE: RunState = { status: 'idle' };

export interface ReplayPanelProps {
  span: SpanView;
}

export function ReplayPanel({ span }: ReplayPanelProps) {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const initial = useMemo(() => draftFromSpan(span), [span]);
  const [mode, setMode] = useState<Mode>('single');
  const [drafts, setDrafts] = useState<[ReplayDraft, ReplayDraft]>([initial, initial]);
  const [errors, setErrors] = useState<[DraftErrors, DraftErrors]>([{}, {}]);
  const [runs, setRuns] = useState<[RunState, RunState]>([IDLE, IDLE]);
  const [versionsKey, setVersionsKey] = useState(0);
  const [restoring, setRestoring] = useState<string | null>(null);
  const [restoreProblem, setRestoreProblem] = useState<string | null>(null);
  const running = useRef<AbortController | null>(null);
  const resultsRef = useRef<HTMLDivElement>(null);

  // Another span: start over. Leaving: stop what runs.
  useEffect(() => {
    setDrafts([initial, initial]);
    setRuns([IDLE, IDLE]);
    setErrors([{}, {}]);
  }, [initial]);
  useEffect(() => () => running.current?.abort(), []);

  const slots = mode === 'ab' ? [0, 1] : [0];
  const busy = runs.some((r) => r.status === 'running');
  const g = span.genai;
  const originalText = (g?.outputMessages ?? []).map(messageText).filter(Boolean).join('\n\n');

  const setDraft = (i: number, draft: ReplayDraft) =>
    setDrafts((d) => (i === 0 ? [draft, d[1]] : [d[0], draft]));
  const setRun = (i: number, update: (run: RunState) => RunState) =>
    setRuns((r) => (i === 0 ? [update(r[0]), r[1]] : [r[0], update(r[1])]));

  const switchMode = (next: Mode) => {
    if (next === mode) return;
    // B starts as a copy of A: change the one thing to compare.
    if (next === 'ab') setDrafts((d) => [d[0], { ...d[0], label: '' }]);
    setMode(next);
    setRuns([IDLE, IDLE]);
  };

  const run = async () => {
    const built = slots.map((i) =>
      toReplayRequest(drafts[i]!, span, mode === 'ab' ? drafts[i]!.label.trim() || SLOTS[i] : undefined),
    );
    setErrors([built[0]?.errors ?? {}, built[1]?.errors ?? {}]);
    if (built.some((b) => b.errors)) return;
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setRuns([
      slots.includes(0) ? { status: 'running', text: '' } : IDLE,
      slots.includes(1) ? { status: 'running', text: '' } : IDLE,
    ]);
    // The editor fills the drawer: bring the streaming answer into view.
    requestAnimationFrame(() => resultsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
    await Promise.all(
      slots.map(async (i) => {
        const request = built[i]!.request!;
        try {
          const result: ReplayResult = await client.replayStream(
            request,
            {
              onDelta: (text) =>
                !controller.signal.aborted &&
                setRun(i, (r) => (r.status === 'running' ? { ...r, text: r.text + text } : r)),
            },
            { signal: controller.signal },
          );
          if (controller.signal.aborted) return;
          // The final text is the collector's: streamed pieces may leave out tool calls it renders.
          setRun(i, () => ({ status: 'success', text: result.replay.output, result }));
        } catch (err) {
          if (controller.signal.aborted) return;
          const error = err instanceof Error ? err : new Error(String(err));
          setRun(i, (r) => ({ status: 'error', text: r.status === 'idle' ? '' : r.text, error }));
        }
      }),
    );
    if (!controller.signal.aborted) {
      running.current = null;
      setVersionsKey((k) => k + 1);
    }
  };

  const stop = () => {
    running.current?.abort();
    running.current = null;
    setRuns(
      (r) =>
        r.map((run) =>
          run.status === 'running' ? { status: 'error', text: run.text, error: new Error('Stopped') } : run,
        ) as [RunState, RunState],
    );
  };

  const restore = async (version: PromptVersion) => {
    // The edit loads at once; the collector then saves it as the newest version.
    setDrafts((d) => [draftFromEdit(version.edit, d[0]), d[1]]);
    setErrors([{}, {}]);
    setRestoreProblem(null);
    setRestoring(version.id);
    try {
      await client.restorePromptVersion(version.id);
      setVersionsKey((k) => k + 1);
    } catch (err) {
      setRestoreProblem(
        `Version ${version.version} is in the editor, but the collector could not save it as the newest version: ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    } finally {
      setRestoring(null);
    }
  };

  return (
    <div className={styles.container} data-testid="replay-panel">
      <Stack alignItems="center" gap={2} wrap="wrap">
        <RadioButtonGroup size="sm" options={MODES} value={mode} onChange={switchMode} disabled={busy} />
        <Text color="secondary" variant="bodySmall">
          Edit the call and run it again against the provider. Every run is traced (linked to this span) and
          saves a prompt version.
        </Text>
      </Stack>

      {(g?.inputMessages.length ?? 0) === 0 && (
        <Alert severity="info" title="No messages recorded on this span">
          The instrumentation did not capture the prompt (message content capture may be off). Type the
          messages to send below.
        </Alert>
      )}

      <div className={mode === 'ab' ? styles.abEditors : undefined}>
        {slots.map((i) => (
          <div key={SLOTS[i]} className={styles.editorColumn}>
            {mode === 'ab' && (
              <Text element="h4" variant="h5">
                {SLOTS[i] ?? ''}
              </Text>
            )}
            <PromptEditor
              slot={mode === 'ab' ? SLOTS[i] : undefined}
              draft={drafts[i]!}
              onChange={(d) => setDraft(i, d)}
              errors={errors[i]!}
              spanModel={modelOf(span)}
              disabled={busy}
            />
          </div>
        ))}
      </div>

      <Stack gap={1} alignItems="center">
        <Button icon={busy ? 'spinner' : 'play'} onClick={run} disabled={busy}>
          {mode === 'ab' ? 'Run A and B' : 'Run'}
        </Button>
        {busy && (
          <Button variant="secondary" icon="times" onClick={stop}>
            Stop
          </Button>
        )}
        <Button
          variant="secondary"
          fill="text"
          icon="history-alt"
          disabled={busy}
          onClick={() => {
            setDrafts([initial, initial]);
            setErrors([{}, {}]);
          }}
        >
          Reset to the original call
        </Button>
      </Stack>

      <div ref={resultsRef}>
        {mode === 'single' ? (
          <SingleResult run={runs[0]} originalText={originalText} originalModel={modelOf(span) || null} />
        ) : (
          <AbResult runs={runs} originalText={originalText} originalModel={modelOf(span) || null} />
        )}
      </div>

      <section aria-label="Prompt versions" className={styles.versions}>
        <Text element="h4" variant="h5">
          Version history
        </Text>
        {restoreProblem && (
          <Alert
            severity="warning"
            title="Restored in the editor only"
            onRemove={() => setRestoreProblem(null)}
          >
            {restoreProblem}
          </Alert>
        )}
        <VersionHistory
          traceId={span.traceId}
          spanId={span.spanId}
          reloadKey={versionsKey}
          onRestore={restore}
          restoringId={restoring}
        />
      </section>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  abEditors: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    gap: theme.spacing(3),
  }),
  editorColumn: css({
    minWidth: 0,
  }),
  versions: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
});
