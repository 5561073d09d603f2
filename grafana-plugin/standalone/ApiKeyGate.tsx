// Signs the standalone UI in to a collector that requires an API key (BEACON_AUTH=on). At start it probes
// GET /api/v1/traces?limit=1 with the key kept in this tab (if any): 200 → the App, over a fetch client that sends
// `Authorization: Bearer <key>`; 401 → a form asking for a key (with the collector's reason when a key was
// refused); 403 → the same form, saying the key may not read traces. A 401 on any later call (the key was revoked
// while the tab is open) brings the form back. With auth off the probe answers 200 and nothing of this shows.
// The App renders (hidden) while the probe runs, so its own first reads do not wait for it.
// A share link's page (/shared/<token>) skips all of it: its token is the credential.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Icon, Input, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BeaconApiError, type BeaconClient } from '../src/api/client';
import { createFetchClient } from '../src/api/fetchClient';
import { forgetStoredKey, readStoredKey, storeKey, watchUnauthorized } from './apiKey';

export interface ApiKeyGateProps {
  /** Origin (and path prefix) of the collector's API: '' = this origin, which serves the UI. */
  baseUrl: string;
  /** Default: the browser's fetch. */
  fetch?: typeof fetch;
  /** The App, reading through `client` (a new client, and a fresh App, after each sign-in). */
  children: (client: BeaconClient) => ReactNode;
}

/** Why the form shows: the collector refused a key (401), the key may not read (403), or the check failed. */
interface Notice {
  kind: 'refused' | 'forbidden' | 'error';
  message: string;
}

interface Session {
  /** The generation it belongs to: a 401 of an older session (a request still in flight) is ignored. */
  generation: number;
  /** null: the collector needs none (auth off). */
  key: string | null;
  client: BeaconClient;
}

type GateState =
  /** The start's check runs; the App already renders (hidden) with the key kept in this tab, if any. */
  | { view: 'checking'; session: Session | null }
  | { view: 'app'; session: Session }
  | { view: 'form'; notice: Notice | null; checking: boolean };

const browserFetch: typeof fetch = (input, init) => fetch(input, init);

/** A share link's page (`/shared/<token>`): the token in the URL is its credential, so no key is asked for. */
const SHARE_LINK_PATH = /^\/shared\/[^/]+\/?$/;

export function ApiKeyGate(props: ApiKeyGateProps) {
  if (SHARE_LINK_PATH.test(window.location.pathname)) return <KeylessApp {...props} />;
  return <KeyGate {...props} />;
}

function KeylessApp({ baseUrl, fetch: doFetch = browserFetch, children }: ApiKeyGateProps) {
  const client = useMemo(() => createFetchClient({ baseUrl, fetch: doFetch }), [baseUrl, doFetch]);
  return <>{children(client)}</>;
}

function KeyGate({ baseUrl, fetch: doFetch = browserFetch, children }: ApiKeyGateProps) {
  const styles = useStyles2(getStyles);
  const [state, setState] = useState<GateState>({ view: 'checking', session: null });
  /** Bumped by every check, sign-in and sign-out: results and 401s of earlier ones are stale. */
  const generation = useRef(0);

  /** The App's client for a key: a 401 on any of its calls brings the form back (the key was revoked). */
  const openSession = useCallback(
    (key: string | null, gen: number): Session => ({
      generation: gen,
      key,
      client: createFetchClient({
        baseUrl,
        apiKey: key ?? undefined,
        fetch: watchUnauthorized(doFetch, (message) => {
          if (gen !== generation.current) return;
          generation.current++;
          forgetStoredKey();
          // Without a key nothing was refused: just the form (as the check says too).
          const notice: Notice | null = key === null ? null : { kind: 'refused', message };
          setState({ view: 'form', notice, checking: false });
        }),
      }),
    }),
    [baseUrl, doFetch],
  );

  const check = useCallback(
    async (key: string | null, from: 'start' | 'form') => {
      const gen = ++generation.current;
      // At start the App renders at once, hidden, so that its first reads go out beside the check rather than
      // after it (a round trip and a render saved on every page load); it shows when the check passes.
      const early = from === 'start' ? openSession(key, gen) : null;
      if (early) setState({ view: 'checking', session: early });
      const probe = createFetchClient({ baseUrl, apiKey: key ?? undefined, fetch: doFetch });
      let failure: BeaconApiError | Error | null = null;
      try {
        await probe.listTraces({ limit: 1 });
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
      if (gen !== generation.current) return;
      const status = failure instanceof BeaconApiError ? failure.status : null;
      if (status === 401 || status === 403) {
        if (from === 'start') forgetStoredKey();
        const notice: Notice | null =
          status === 403
            ? { kind: 'forbidden', message: failure!.message }
            : key === null
              ? null // no key yet: just the form
              : { kind: 'refused', message: failure!.message };
        setState({ view: 'form', notice, checking: false });
        return;
      }
      if (failure && from === 'form') {
        // The collector could not say whether the key is good: keep the form, with what went wrong.
        setState({ view: 'form', notice: { kind: 'error', message: failure.message }, checking: false });
        return;
      }
      // 200, or (at start) another failure (unreachable, 5xx): the App shows that itself.
      if (key !== null) storeKey(key);
      setState({ view: 'app', session: early ?? openSession(key, gen) });
    },
    [baseUrl, doFetch, openSession],
  );

  useEffect(() => {
    void check(readStoredKey(), 'start');
    return () => {
      generation.current++; // unmounted (or StrictMode's second run): drop this check's result
    };
  }, [check]);

  const signIn = (key: string) => {
    setState((s) => (s.view === 'form' ? { ...s, checking: true } : s));
    void check(key, 'form');
  };

  const forget = () => {
    generation.current++;
    forgetStoredKey();
    setState({ view: 'form', notice: null, checking: false });
  };

  if (state.view === 'form') {
    return <KeyForm notice={state.notice} checking={state.checking} onSubmit={signIn} />;
  }
  const { session } = state;
  const checking = state.view === 'checking';
  // One tree whether checking or not, so that the App the check lets through is the one already rendered.
  return (
    <>
      {checking && <Checking />}
      {session && (
        <div key={session.generation} className={checking ? styles.hidden : undefined} aria-hidden={checking}>
          {children(session.client)}
        </div>
      )}
      {!checking && session?.key != null && <ForgetKeyButton onForget={forget} />}
    </>
  );
}

function Checking() {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.checking} data-testid="api-key-checking">
      <LoadingPlaceholder text="Checking access to the Beacon collector…" />
    </div>
  );
}

const NOTICE_TITLES: Record<Notice['kind'], string> = {
  refused: 'The collector refused this API key',
  forbidden: 'This API key may not read traces',
  error: 'Could not check the API key',
};

interface KeyFormProps {
  notice: Notice | null;
  checking: boolean;
  onSubmit(key: string): void;
}

function KeyForm({ notice, checking, onSubmit }: KeyFormProps) {
  const styles = useStyles2(getStyles);
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed !== '' && !checking) onSubmit(trimmed);
  };
  return (
    <div className={styles.screen}>
      <form className={styles.card} onSubmit={submit} aria-label="Sign in">
        <Stack direction="column" gap={2}>
          <Stack direction="row" gap={1} alignItems="center">
            <Icon name="lock" size="lg" />
            <Text element="h1" variant="h3">
              This Beacon collector requires an API key
            </Text>
          </Stack>
          <Text color="secondary" element="p">
            Enter a key with the <code>read</code> scope (an administrator creates one with{' '}
            <code>beacon-collector keys create --tenant &lt;tenant&gt; --scopes read</code>). It is kept in
            this browser tab only, until the tab closes.
          </Text>
          {notice && (
            <Alert
              severity={notice.kind === 'error' ? 'warning' : 'error'}
              title={NOTICE_TITLES[notice.kind]}
              data-testid="api-key-notice"
            >
              {notice.message}
            </Alert>
          )}
          <Field label="API key" noMargin>
            <Input
              id="beacon-api-key"
              type="password"
              placeholder="bk_…"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
            />
          </Field>
          <div>
            <Button
              type="submit"
              icon={checking ? 'spinner' : undefined}
              disabled={checking || key.trim() === ''}
            >
              {checking ? 'Checking…' : 'Continue'}
            </Button>
          </div>
        </Stack>
      </form>
    </div>
  );
}

/** Small, in the top right corner: the right end of the standalone nav bar. */
function ForgetKeyButton({ onForget }: { onForget(): void }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.corner}>
      <Button
        size="sm"
        variant="secondary"
        fill="text"
        icon="signout"
        onClick={onForget}
        tooltip="Sign out: forget the API key kept in this tab"
      >
        Forget key
      </Button>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // Laid out (so that views measuring their size get it) but not shown, under the check's screen.
  hidden: css({ visibility: 'hidden' }),
  checking: css({
    position: 'fixed',
    inset: 0,
    zIndex: 1,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    background: theme.colors.background.canvas,
  }),
  screen: css({
    minHeight: '100vh',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    padding: theme.spacing(2),
  }),
  card: css({
    width: '100%',
    maxWidth: 560,
    padding: theme.spacing(4),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z2,
    code: { fontSize: theme.typography.bodySmall.fontSize },
  }),
  // On the page (it scrolls away with the nav bar), under Grafana's drawers and modals.
  corner: css({
    position: 'absolute',
    top: 15,
    right: theme.spacing(2),
    zIndex: theme.zIndex.navbarFixed,
  }),
});
