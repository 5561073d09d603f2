// The agent map: which agents call which sub-agents and tools (and, optionally, models) across the traces of a
// time range, with calls, error rate, p95 latency and cost on every edge and node. Clicking a node or an edge shows
// its numbers; the table lists every edge. Agents and tools are per service: a name two services share is shown with
// its service.
import type { AgentMapEdge, AgentMapNode, AgentMapResponse } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { EmptyState, InlineSwitch, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { useMemo, useState } from 'react';
import { useBeaconClient } from '../../api/context';
import { AgentMapGraph, type MapSelection } from '../../components/AgentMapGraph/AgentMapGraph';
import {
  EDGE_ERROR_RATE_THRESHOLD,
  isFailingEdge,
  labelText,
  nodeLabels,
  percent,
} from '../../components/AgentMapGraph/labels';
import { ErrorWithRetry } from '../../components/common/ErrorAlert';
import { getTableStyles } from '../../components/common/tableStyles';
import { ListPage } from '../../components/ListPage/ListPage';
import { useUrlRange } from '../../components/RangePicker/RangePicker';
import { useAsync } from '../../hooks/useAsync';
import { formatCost, formatDuration } from '../../utils/format';
import { rangeBounds } from '../../utils/timeRange';

export function AgentMapPage() {
  const styles = useStyles2(getStyles);
  const client = useBeaconClient();
  const [range, setRange] = useUrlRange();
  const [models, setModels] = useState(false);
  const [reload, setReload] = useState(0);
  const [selection, setSelection] = useState<MapSelection>(null);

  const state = useAsync<AgentMapResponse>(
    (signal) => {
      setSelection(null);
      return client.getAgentMap({ ...rangeBounds(range), models }, { signal });
    },
    [client, range, models, reload],
  );

  const map = state.status === 'success' ? state.value : null;
  const labels = useMemo(() => nodeLabels(map?.nodes ?? []), [map]);
  const nameOf = (id: string) => labelText(labels.get(id), id);

  return (
    <ListPage
      title="Agent map"
      subTitle="Agents, sub-agents and tools across traces: who calls whom, how often, how it fails, what it costs"
      onRefresh={() => setReload((n) => n + 1)}
      range={{ id: 'beacon-agent-map-range', value: range, onChange: setRange }}
      toolbar={
        <>
          <InlineSwitch
            label="Show models"
            showLabel
            value={models}
            onChange={(e) => setModels(e.currentTarget.checked)}
          />
          {map && map.nodes.length > 0 && (
            <span className={styles.summary} data-testid="agent-map-summary">
              {map.traces} traces · {map.nodes.filter((n) => n.kind === 'agent').length} agents ·{' '}
              {map.nodes.filter((n) => n.kind === 'tool').length} tools · {map.edges.length} edges
            </span>
          )}
        </>
      }
    >
      <div className={styles.body}>
        {state.status === 'loading' && <LoadingPlaceholder text="Aggregating calls…" />}
        {state.status === 'error' && (
          <ErrorWithRetry
            title="Could not load the agent map"
            error={state.error}
            onRetry={() => setReload((n) => n + 1)}
          />
        )}
        {map &&
          (map.nodes.length === 0 ? (
            <EmptyState variant="not-found" message="No agent or tool calls in this time range">
              <Text element="p">
                The map is built from invoke_agent and execute_tool spans. Widen the time range, or instrument
                your agents with gen_ai.operation.name and gen_ai.agent.name.
              </Text>
            </EmptyState>
          ) : (
            <>
              <div className={styles.graphRow}>
                <AgentMapGraph
                  nodes={map.nodes}
                  edges={map.edges}
                  selection={selection}
                  onSelect={setSelection}
                />
                <Details map={map} selection={selection} nameOf={nameOf} />
              </div>
              <EdgeTable
                edges={map.edges}
                nameOf={nameOf}
                onSelect={(id) => setSelection({ type: 'edge', id })}
              />
            </>
          ))}
      </div>
    </ListPage>
  );
}

function Numbers({ item }: { item: AgentMapNode | AgentMapEdge }) {
  const styles = useStyles2(getStyles);
  return (
    <dl className={styles.numbers}>
      <dt>Calls</dt>
      <dd data-testid="detail-calls">{item.calls}</dd>
      <dt>Errors</dt>
      <dd>
        {item.errors} ({percent(item.errorRate)})
      </dd>
      <dt>p95 duration</dt>
      <dd>{formatDuration(item.p95DurationMs)}</dd>
      <dt>Model spend</dt>
      <dd>{formatCost(item.costUsd)}</dd>
      {'linkedCalls' in item && item.linkedCalls > 0 && (
        <>
          <dt>Across traces (links)</dt>
          <dd>{item.linkedCalls}</dd>
        </>
      )}
    </dl>
  );
}

function Details({
  map,
  selection,
  nameOf,
}: {
  map: AgentMapResponse;
  selection: MapSelection;
  nameOf: (id: string) => string;
}) {
  const styles = useStyles2(getStyles);
  const node = selection?.type === 'node' ? map.nodes.find((n) => n.id === selection.id) : undefined;
  const edge = selection?.type === 'edge' ? map.edges.find((e) => e.id === selection.id) : undefined;
  return (
    <aside className={styles.details} data-testid="agent-map-details">
      {node && (
        <>
          <h4>
            {node.kind} <code>{node.name}</code>
          </h4>
          {node.service !== null && (
            <Text element="p" color="secondary" data-testid="detail-service">
              service {node.service}
            </Text>
          )}
          <Numbers item={node} />
        </>
      )}
      {edge && (
        <>
          <h4>
            <code>{nameOf(edge.source)}</code> → <code>{nameOf(edge.target)}</code>
          </h4>
          <Numbers item={edge} />
        </>
      )}
      {!node && !edge && <Text color="secondary">Click a node or an edge to see its numbers.</Text>}
    </aside>
  );
}

function EdgeTable({
  edges,
  nameOf,
  onSelect,
}: {
  edges: readonly AgentMapEdge[];
  nameOf: (id: string) => string;
  onSelect: (edgeId: string) => void;
}) {
  const styles = useStyles2(getStyles);
  return (
    <table className={cx(styles.table, styles.edgeTable)} data-testid="agent-map-edges">
      <thead>
        <tr>
          <th>Caller</th>
          <th>Callee</th>
          <th className={styles.num}>Calls</th>
          <th
            className={styles.num}
            title={`Red from ${percent(EDGE_ERROR_RATE_THRESHOLD)} of calls failing`}
          >
            Error rate
          </th>
          <th className={styles.num}>p95</th>
          <th className={styles.num}>Cost</th>
        </tr>
      </thead>
      <tbody>
        {edges.map((edge) => (
          <tr
            key={edge.id}
            data-testid="agent-map-edge-row"
            data-edge={edge.id}
            onClick={() => onSelect(edge.id)}
          >
            <td>{nameOf(edge.source)}</td>
            <td>{nameOf(edge.target)}</td>
            <td className={styles.num} data-testid="edge-calls">
              {edge.calls}
            </td>
            <td className={cx(styles.num, isFailingEdge(edge) && styles.failing)}>
              {percent(edge.errorRate)}
            </td>
            <td className={styles.num}>{formatDuration(edge.p95DurationMs)}</td>
            <td className={styles.num}>{formatCost(edge.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getTableStyles(theme),
  body: css({
    marginTop: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  graphRow: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) 260px',
    gap: theme.spacing(2),
    alignItems: 'start',
  }),
  failing: css({
    color: theme.colors.error.text,
  }),
  details: css({
    // Stays in view beside a tall map; the map scrolls in its own box and never runs under it.
    position: 'sticky',
    top: theme.spacing(1),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
    h4: { marginBottom: theme.spacing(1) },
  }),
  numbers: css({
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gap: theme.spacing(0.5, 1.5),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, fontVariantNumeric: 'tabular-nums' },
  }),
  summary: css({
    color: theme.colors.text.secondary,
    paddingBottom: theme.spacing(0.5),
  }),
  edgeTable: css({
    'tbody tr': { cursor: 'pointer' },
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
});
