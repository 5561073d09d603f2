import { Alert, Button, Stack } from '@grafana/ui';
import { BeaconApiError } from '../../api/client';

export function ErrorAlert({ title, error }: { title: string; error: Error }) {
  const detail =
    error instanceof BeaconApiError && error.status > 0
      ? `${error.message} (HTTP ${error.status}, ${error.code})`
      : error.message;
  return (
    <Alert title={title} severity="error">
      {detail}
    </Alert>
  );
}

/** A page's failed load, with a button to load it again. */
export function ErrorWithRetry({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: Error;
  onRetry: () => void;
}) {
  return (
    <Stack direction="column" gap={1}>
      <ErrorAlert title={title} error={error} />
      <div>
        <Button variant="secondary" icon="sync" onClick={onRetry}>
          Retry
        </Button>
      </div>
    </Stack>
  );
}
