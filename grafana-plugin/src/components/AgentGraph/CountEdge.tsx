// An edge whose call count sits just before its target: where an orchestrator fans out to six agents, the edges
// share one vertical run, and labels at their midpoints (React Flow's default) would stack there, each beside the
// wrong agent.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { BaseEdge, type Edge, EdgeLabelRenderer, type EdgeProps, getSmoothStepPath } from '@xyflow/react';

export type CountEdgeType = Edge<{ label?: string }, 'count'>;

/** Screen gap between a label and the node it points at. */
const LABEL_GAP = 10;

export function CountEdge(props: EdgeProps<CountEdgeType>) {
  const styles = useStyles2(getStyles);
  const [path] = getSmoothStepPath(props);
  const label = props.data?.label;
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} style={props.style} />
      {label && (
        <EdgeLabelRenderer>
          <div
            className={styles.label}
            style={{
              transform: `translate(-100%, -50%) translate(${props.targetX - LABEL_GAP}px, ${props.targetY}px)`,
            }}
            data-testid="edge-label"
            data-source={props.source}
            data-target={props.target}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  label: css({
    position: 'absolute',
    pointerEvents: 'none',
    fontSize: 12,
    lineHeight: '16px',
    padding: '0 4px',
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
    whiteSpace: 'nowrap',
  }),
});
