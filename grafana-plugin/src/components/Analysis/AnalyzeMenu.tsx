// The trace page's "Analyze" menu (root cause, cost, anomalies, error patterns, summary, compare with baseline)
// and "Mark as baseline".
import type { AnalysisKind } from '@beacon/collector/api-contract';
import type { IconName } from '@grafana/data';
import { Button, Dropdown, Menu } from '@grafana/ui';

export const ANALYSES: { kind: AnalysisKind; label: string; icon: IconName; description: string }[] = [
  {
    kind: 'root-cause',
    label: 'Root cause',
    icon: 'exclamation-triangle',
    description: 'The first failing span on the critical path and what fed it',
  },
  {
    kind: 'cost',
    label: 'Cost',
    icon: 'dollar-alt',
    description: 'Repeated prompts, expensive models on short prompts, cacheable prefixes, context growth',
  },
  {
    kind: 'anomalies',
    label: 'Anomalies',
    icon: 'chart-line',
    description: 'Cost, latency and token spikes against recent traces of the same name',
  },
  {
    kind: 'error-patterns',
    label: 'Error patterns',
    icon: 'layer-group',
    description:
      'Failures grouped by kind: rate limits, context overflow, tool failures, timeouts, auth, loops',
  },
  { kind: 'summary', label: 'Summary', icon: 'file-alt', description: 'What the agent did, in sentences' },
  {
    kind: 'compare',
    label: 'Compare with baseline',
    icon: 'code-branch',
    description: 'Differences from the trace marked as baseline for this root span name',
  },
];

export function analysisLabel(kind: AnalysisKind): string {
  return ANALYSES.find((a) => a.kind === kind)?.label ?? kind;
}

export interface AnalyzeMenuProps {
  onAnalyze: (kind: AnalysisKind) => void;
  onMarkBaseline: () => void;
  /** An analysis is running: its kind. */
  running?: AnalysisKind | null;
  markingBaseline?: boolean;
}

export function AnalyzeMenu({ onAnalyze, onMarkBaseline, running, markingBaseline }: AnalyzeMenuProps) {
  const menu = (
    <Menu aria-label="Analyses">
      {ANALYSES.map((a) => (
        <Menu.Item
          key={a.kind}
          label={a.label}
          icon={a.icon}
          description={a.description}
          onClick={() => onAnalyze(a.kind)}
          testId={`analyze-${a.kind}`}
        />
      ))}
    </Menu>
  );
  return (
    <>
      <Dropdown overlay={menu} placement="bottom-end">
        <Button
          size="sm"
          variant="primary"
          icon={running ? 'spinner' : 'ai-sparkle'}
          data-testid="analyze-menu"
        >
          {running ? `Analyzing: ${analysisLabel(running)}…` : 'Analyze'}
        </Button>
      </Dropdown>
      <Button
        size="sm"
        variant="secondary"
        icon={markingBaseline ? 'spinner' : 'star'}
        disabled={markingBaseline}
        tooltip="Make this trace the one later traces with the same root span name are compared with"
        onClick={onMarkBaseline}
      >
        Mark as baseline
      </Button>
    </>
  );
}
