// The Trace page's "Share" button: a dialog that creates a read-only link to the trace (with an expiry and a note),
// shows the new link once with a copy button, and lists the trace's links with a Revoke button for active ones.
// The collector stores only a hash of each token, so a link can be copied only right after it is created.
import type { CreateShareResponse, ShareLink } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  ClipboardButton,
  Field,
  Input,
  LoadingPlaceholder,
  Modal,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { useState } from 'react';
import { useBeaconClient } from '../../api/context';
import { useAsync } from '../../hooks/useAsync';
import { formatTime } from '../../utils/format';
import { nsToMs } from '../../utils/spans';
import { ErrorAlert } from '../common/ErrorAlert';

const EXPIRY_OPTIONS = [
  { label: '1 day', value: 24 },
  { label: '7 days', value: 24 * 7 },
  { label: '30 days', value: 24 * 30 },
  { label: '90 days', value: 24 * 90 },
];

const STATUS_COLORS = { active: 'green', expired: 'orange', revoked: 'red' } as const;

type Action = { status: 'idle' } | { status: 'busy' } | { status: 'error'; title: string; error: Error };

const toError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export function ShareTrace({ traceId }: { traceId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="secondary" icon="share-alt" onClick={() => setOpen(true)}>
        Share
      </Button>
      {open && <ShareDialog traceId={traceId} onDismiss={() => setOpen(false)} />}
    </>
  );
}

function ShareDialog({ traceId, onDismiss }: { traceId: string; onDismiss(): void }) {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const [expiresInHours, setExpiresInHours] = useState(24 * 7);
  const [note, setNote] = useState('');
  const [created, setCreated] = useState<CreateShareResponse | null>(null);
  const [action, setAction] = useState<Action>({ status: 'idle' });
  /** Bumped after each change, to list the links again. */
  const [version, setVersion] = useState(0);
  const links = useAsync((signal) => client.listShares(traceId, { signal }), [client, traceId, version]);

  const run = (title: string, work: () => Promise<void>) => {
    setAction({ status: 'busy' });
    work().then(
      () => {
        setAction({ status: 'idle' });
        setVersion((v) => v + 1);
      },
      (err: unknown) => setAction({ status: 'error', title, error: toError(err) }),
    );
  };
  const create = () =>
    run('Could not create the link', async () => {
      const trimmed = note.trim();
      setCreated(
        await client.createShare(traceId, { expiresInHours, ...(trimmed ? { note: trimmed } : {}) }),
      );
      setNote('');
    });
  const revoke = (link: ShareLink) =>
    run('Could not revoke the link', async () => {
      await client.revokeShare(link.id);
      if (created?.id === link.id) setCreated(null);
    });
  const busy = action.status === 'busy';

  return (
    <Modal title="Share this trace" isOpen onDismiss={onDismiss}>
      <Stack direction="column" gap={2}>
        <Text color="secondary" element="p">
          Anyone with the link can see this trace — its spans, prompts and completions — read-only and without
          an API key, until it expires or you revoke it.
        </Text>
        <Field label="Expires in" noMargin>
          <RadioButtonGroup options={EXPIRY_OPTIONS} value={expiresInHours} onChange={setExpiresInHours} />
        </Field>
        <Field
          label="Note (optional)"
          description="Who or what the link is for; shown in the list below."
          noMargin
        >
          <Input
            value={note}
            maxLength={500}
            placeholder="e.g. for the vendor's support team"
            onChange={(e) => setNote(e.currentTarget.value)}
          />
        </Field>
        <div>
          <Button icon={busy ? 'spinner' : 'link'} disabled={busy} onClick={create}>
            Create link
          </Button>
        </div>
        {action.status === 'error' && <ErrorAlert title={action.title} error={action.error} />}
        {created && (
          <Alert severity="success" title="Link created" data-testid="share-created">
            <Stack direction="column" gap={1}>
              <Stack direction="row" gap={1}>
                <Input readOnly value={created.url} aria-label="Share link" data-testid="share-url" />
                <ClipboardButton icon="copy" variant="primary" getText={() => created.url}>
                  Copy
                </ClipboardButton>
              </Stack>
              <span>
                Expires {formatTime(nsToMs(created.expiresAt))}. Copy it now: Beacon keeps only a hash of the
                link, so it cannot be shown again.
              </span>
            </Stack>
          </Alert>
        )}
        <div>
          <Text element="h5">Links to this trace</Text>
          {links.status === 'loading' && <LoadingPlaceholder text="Loading links…" />}
          {links.status === 'error' && <ErrorAlert title="Could not load the links" error={links.error} />}
          {links.status === 'success' && links.value.shares.length === 0 && (
            <Text color="secondary" element="p">
              No links yet.
            </Text>
          )}
          {links.status === 'success' && links.value.shares.length > 0 && (
            <table className={styles.table} data-testid="share-list">
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Expires</th>
                  <th>Note</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {links.value.shares.map((link) => (
                  <tr key={link.id} data-testid={`share-${link.id}`}>
                    <td>{formatTime(nsToMs(link.createdAt))}</td>
                    <td>{formatTime(nsToMs(link.expiresAt))}</td>
                    <td>{link.note ?? '–'}</td>
                    <td>
                      <Badge text={link.status} color={STATUS_COLORS[link.status]} />
                    </td>
                    <td>
                      {link.status === 'active' && (
                        <Button
                          size="sm"
                          variant="destructive"
                          fill="outline"
                          disabled={busy}
                          onClick={() => revoke(link)}
                        >
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </Stack>
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    marginTop: theme.spacing(1),
    'th, td': { padding: theme.spacing(0.5, 1), textAlign: 'left', verticalAlign: 'middle' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    'tbody tr': { borderTop: `1px solid ${theme.colors.border.weak}` },
  }),
});
