// The waterfall's controls: layout, expand/collapse (all, or every invocation of one agent), the critical path
// switch, the search, and the zoom line over the minimap.
import { Button, InlineSwitch, RadioButtonGroup, Stack, Text, useStyles2 } from '@grafana/ui';
import { formatDuration } from '../../utils/format';
import type { WaterfallLayout } from '../../utils/timeline';
import { agentCollapsed, collapseAll, type TreeIndex, toggleAgent } from './rows';
import { getStyles } from './styles';
import type { TimeRange } from './TimeRuler';

const LAYOUT_OPTIONS: { label: string; value: WaterfallLayout; description: string }[] = [
  { label: 'Tree', value: 'tree', description: 'One row per span, children under their parent' },
  { label: 'Compact', value: 'compact', description: 'Sequential spans share a row; parallel spans stack' },
];

interface CollapseControlsProps {
  index: TreeIndex;
  collapsed: ReadonlySet<string>;
  onCollapsed: (collapsed: ReadonlySet<string>) => void;
}

/** Expand all, collapse all, and one toggle per agent (all its invocations at once). */
export function CollapseControls({ index, collapsed, onCollapsed }: CollapseControlsProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.agents} data-testid="collapse-controls">
      <Button size="sm" variant="secondary" icon="angle-down" onClick={() => onCollapsed(new Set())}>
        Expand all
      </Button>
      <Button
        size="sm"
        variant="secondary"
        icon="angle-right"
        onClick={() => onCollapsed(collapseAll(index))}
      >
        Collapse all
      </Button>
      {index.agents.size > 0 && (
        <Text color="secondary" variant="bodySmall">
          Agents:
        </Text>
      )}
      {[...index.agents].map(([agent, invocations]) => {
        const closed = agentCollapsed(index, agent, collapsed);
        return (
          <Button
            key={agent}
            size="sm"
            variant="secondary"
            fill={closed ? 'solid' : 'outline'}
            icon={closed ? 'angle-right' : 'angle-down'}
            aria-pressed={closed}
            data-testid={`agent-toggle-${agent}`}
            tooltip={`${closed ? 'Expand' : 'Collapse'} the ${invocations.length} invocation${invocations.length === 1 ? '' : 's'} of ${agent}`}
            onClick={() => onCollapsed(toggleAgent(index, agent, collapsed))}
          >
            {agent} ×{invocations.length}
          </Button>
        );
      })}
    </div>
  );
}

interface LayoutControlsProps {
  mode: WaterfallLayout;
  onMode: (mode: WaterfallLayout) => void;
  highlight: boolean;
  onHighlight: (on: boolean) => void;
}

export function LayoutControls({ mode, onMode, highlight, onHighlight }: LayoutControlsProps) {
  return (
    <Stack direction="row" alignItems="center" gap={1}>
      <RadioButtonGroup size="sm" options={LAYOUT_OPTIONS} value={mode} onChange={onMode} />
      <InlineSwitch
        label="Highlight critical path"
        showLabel
        value={highlight}
        onChange={(e) => onHighlight(e.currentTarget.checked)}
      />
    </Stack>
  );
}

interface ZoomLineProps {
  bounds: TimeRange;
  view: TimeRange;
  zoomed: boolean;
  onReset: () => void;
}

/** What range is shown, and the way back to all of it. */
export function ZoomLine({ bounds, view, zoomed, onReset }: ZoomLineProps) {
  const styles = useStyles2(getStyles);
  return (
    <Stack direction="row" alignItems="center" gap={1}>
      <span className={styles.note} data-testid="zoom-range">
        {zoomed
          ? `Showing ${formatDuration(view.start - bounds.start)} – ${formatDuration(view.end - bounds.start)} of ${formatDuration(bounds.end - bounds.start)}`
          : `Whole trace, ${formatDuration(bounds.end - bounds.start)}: drag across the ruler or the overview to zoom`}
      </span>
      {zoomed && (
        <Button size="sm" variant="secondary" icon="search-minus" onClick={onReset}>
          Reset zoom
        </Button>
      )}
    </Stack>
  );
}
