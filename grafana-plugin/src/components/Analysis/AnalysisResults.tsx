// The answer of one analysis: the deterministic text, the LLM's rewrite (marked as AI-written), and the findings.
// A finding is a button: it highlights its spans in the graph and the waterfall and selects the first one.
import type { AnalysisKind, AnalysisResponse, Finding } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, IconButton, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { Link } from 'react-router-dom';
import { usePaths } from '../../api/context';
import { failureColor, failureLabel, SEVERITY_COLORS } from '../../utils/failures';
import { formatCost, shortId } from '../../utils/format';
import { ErrorAlert } from '../common/ErrorAlert';
import { findingColor } from '../common/kinds';
import { analysisLabel } from './AnalyzeMenu';
import { PatternsTable } from './PatternsTable';

export type AnalysisState =
  | { kind: AnalysisKind; status: 'loading' }
  | { kind: AnalysisKind; status: 'success'; response: AnalysisResponse }
  | { kind: AnalysisKind; status: 'error'; error: Error };

export interface AnalysisResultsProps {
  state: AnalysisState;
  /** The trace on screen: findings about another trace link there instead of highlighting. */
  traceId: string;
  activeFindingId: string | null;
  onSelectFinding: (finding: Finding) => void;
  onClose: () => void;
}

function FindingItem({
  finding,
  active,
  local,
  onSelect,
}: {
  finding: Finding;
  active: boolean;
  local: boolean;
  onSelect: () => void;
}) {
  const styles = useStyles2(getStyles);
  const paths = usePaths();
  const header = (
    <>
      <div className={styles.findingHeader}>
        <Badge text={finding.severity} color={SEVERITY_COLORS[finding.severity]} />
        {finding.category && (
          <Badge text={failureLabel(finding.category)} color={failureColor(finding.category)} />
        )}
        <span className={styles.findingTitle}>{finding.title}</span>
        {finding.estimatedSavingsUsd !== null && (
          <span className={styles.savings} data-testid="finding-savings">
            saves ≈ {formatCost(finding.estimatedSavingsUsd)}
          </span>
        )}
      </div>
      <div className={styles.detail}>{finding.detail}</div>
      <div className={styles.spans}>
        {finding.spanIds.length} span{finding.spanIds.length === 1 ? '' : 's'}:{' '}
        {finding.spanIds.slice(0, 6).map((id) => (
          <code key={id} className={styles.spanId}>
            {shortId(id)}
          </code>
        ))}
        {finding.spanIds.length > 6 ? '…' : ''}
      </div>
    </>
  );
  if (!local) {
    return (
      <li className={styles.finding} data-testid="finding" data-finding-id={finding.id}>
        {header}
        <Link to={paths.trace(finding.traceId, finding.spanIds[0])}>
          Open trace {shortId(finding.traceId)}
        </Link>
      </li>
    );
  }
  return (
    <li>
      <button
        type="button"
        className={cx(styles.finding, styles.findingButton, active && styles.active)}
        aria-pressed={active}
        data-testid="finding"
        data-finding-id={finding.id}
        onClick={onSelect}
        title="Highlight these spans in the graph and the timeline"
      >
        {header}
      </button>
    </li>
  );
}

export function AnalysisResults({
  state,
  traceId,
  activeFindingId,
  onSelectFinding,
  onClose,
}: AnalysisResultsProps) {
  const styles = useStyles2(getStyles);
  const title = analysisLabel(state.kind);
  return (
    <section className={styles.panel} aria-label={`Analysis: ${title}`} data-testid="analysis-results">
      <div className={styles.panelHeader}>
        <Text element="h3" variant="h5">
          {title}
        </Text>
        <IconButton name="times" tooltip="Close the analysis" onClick={onClose} />
      </div>
      {state.status === 'loading' && <LoadingPlaceholder text={`Running ${title.toLowerCase()} analysis…`} />}
      {state.status === 'error' && <ErrorAlert title={`${title} analysis failed`} error={state.error} />}
      {state.status === 'success' && (
        <>
          {state.response.text && (
            <p className={styles.text} data-testid="analysis-text">
              {state.response.text}
            </p>
          )}
          {state.response.refinement && (
            <div className={styles.refinement} data-testid="analysis-refinement">
              <Badge
                text={`AI-written · ${state.response.refinement.model}`}
                color="purple"
                icon="ai-sparkle"
                tooltip="Rewritten by the configured LLM from the findings below; the findings themselves are computed from the spans"
              />
              <p className={styles.text}>{state.response.refinement.text}</p>
            </div>
          )}
          {state.response.totalEstimatedSavingsUsd !== null && (
            <div data-testid="total-savings">
              Estimated savings on this trace:{' '}
              <strong>{formatCost(state.response.totalEstimatedSavingsUsd)}</strong>
            </div>
          )}
          {state.response.findings.length === 0 ? (
            <Text color="secondary" element="p">
              No findings.
            </Text>
          ) : (
            <>
              <Text variant="bodySmall" color="secondary">
                {state.response.findings.length} finding{state.response.findings.length === 1 ? '' : 's'} ·
                click one to highlight its spans
              </Text>
              <ul className={styles.findings}>
                {state.response.findings.map((f) => (
                  <FindingItem
                    key={f.id}
                    finding={f}
                    active={f.id === activeFindingId}
                    local={f.traceId === traceId || f.traceId === ''}
                    onSelect={() => onSelectFinding(f)}
                  />
                ))}
              </ul>
            </>
          )}
          {state.response.patterns.length > 0 && <PatternsTable patterns={state.response.patterns} />}
        </>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1.5, 2),
    marginBottom: theme.spacing(2),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  panelHeader: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
  }),
  text: css({
    margin: 0,
    whiteSpace: 'pre-wrap',
  }),
  refinement: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: theme.spacing(0.5),
    paddingLeft: theme.spacing(1),
    borderLeft: `3px solid ${theme.visualization.getColorByName('purple')}`,
  }),
  findings: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  finding: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    width: '100%',
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
    textAlign: 'left',
    color: theme.colors.text.primary,
    a: { color: theme.colors.text.link },
  }),
  findingButton: css({
    cursor: 'pointer',
    '&:hover': { borderColor: theme.colors.border.strong },
  }),
  active: css({
    outline: `3px solid ${findingColor(theme)}`,
    outlineOffset: -1,
  }),
  findingHeader: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  }),
  findingTitle: css({
    fontWeight: theme.typography.fontWeightMedium,
  }),
  savings: css({
    marginLeft: 'auto',
    color: theme.colors.success.text,
    fontVariantNumeric: 'tabular-nums',
  }),
  detail: css({
    whiteSpace: 'pre-wrap',
  }),
  spans: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  spanId: css({
    marginRight: theme.spacing(0.5),
  }),
});
