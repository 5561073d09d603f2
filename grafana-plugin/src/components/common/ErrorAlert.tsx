import { Alert } from '@grafana/ui';
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
