// The saved versions of this span's prompt, newest first, each restorable into the editor.
import type { PromptVersion } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { useBeaconClient, usePaths } from '../../api/context';
import { useAsync } from '../../hooks/useAsync';
import { formatTime, shortId } from '../../utils/format';
import { timestampMs } from '../../utils/spans';
import { ErrorAlert } from '../common/ErrorAlert';
import { getTableStyles } from '../common/tableStyles';

export interface VersionHistoryProps {
  traceId: string;
  spanId: string;
  /** Bumped to list again (after a run saved a version). */
  reloadKey: number;
  onRestore: (version: PromptVersion) => void;
  /** The version being restored, if any (its button spins). */
  restoringId?: string | null;
}

export function VersionHistory({ traceId, spanId, reloadKey, onRestore, restoringId }: VersionHistoryProps) {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const paths = usePaths();
  const state = useAsync(
    (signal) => client.listPromptVersions({ traceId, spanId }, { signal }),
    [client, traceId, spanId, reloadKey],
  );

  if (state.status === 'loading') return <LoadingPlaceholder text="Loading versions…" />;
  if (state.status === 'error')
    return <ErrorAlert title="Could not load prompt versions" error={state.error} />;
  const { versions } = state.value;
  if (versions.length === 0) {
    return (
      <Text color="secondary" element="p">
        No saved versions of this prompt yet: every run saves one.
      </Text>
    );
  }
  return (
    <table className={styles.table} data-testid="version-history">
      <thead>
        <tr>
          <th>Version</th>
          <th>Label</th>
          <th>Saved</th>
          <th>Model</th>
          <th>Replay</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id} data-testid="version-row">
            <td>v{v.version}</td>
            <td>{v.label ?? <span className={styles.muted}>–</span>}</td>
            <td className={styles.nowrap}>{formatTime(timestampMs(v.createdAt))}</td>
            <td>{v.edit.model}</td>
            <td>
              {v.replayTraceId ? (
                <Link to={paths.trace(v.replayTraceId)}>{shortId(v.replayTraceId)}</Link>
              ) : (
                <span className={styles.muted}>not run</span>
              )}
            </td>
            <td>
              <Button
                size="sm"
                variant="secondary"
                icon={restoringId === v.id ? 'spinner' : 'history'}
                disabled={!!restoringId}
                aria-label={`Restore version ${v.version}`}
                onClick={() => onRestore(v)}
              >
                Restore
              </Button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getTableStyles(theme, { compact: true }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
