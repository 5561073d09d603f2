// A failed span's error, said once: the status message, the error type and the exception events usually repeat one
// another, so an exception shows only what the alert does not already say (another message, its stack).
import type { SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import { Section } from './SpanDetailParts';

/** Attributes the Error section already shows, left out of the attribute table. */
export const ERROR_ATTRIBUTES = ['error.type', 'exception.type', 'exception.message', 'exception.stacktrace'];

const same = (a: string, b: string) => a.trim() === b.trim();

export function SpanError({ span }: { span: SpanView }) {
  const styles = useStyles2(getStyles);
  const exceptions = span.events.filter((e) => e.name === 'exception');
  const first = exceptions[0]?.attributes;
  const title =
    span.genai?.errorType ??
    span.attributes['error.type'] ??
    first?.['exception.type'] ??
    (span.statusMessage ? 'Span failed' : 'Error');
  const message = span.statusMessage || first?.['exception.message'] || 'The span has status Error.';
  const extra = exceptions
    .map((event) => {
      const text = event.attributes['exception.message'] ?? '';
      return {
        event,
        type: event.attributes['exception.type'] ?? 'Exception',
        message: text && !same(text, message) ? text : '',
        stack: event.attributes['exception.stacktrace'] ?? '',
      };
    })
    .filter((e) => e.message || e.stack);
  return (
    <Section title="Error">
      <Alert severity="error" title={title} data-testid="span-error">
        {message}
      </Alert>
      {extra.map(({ event, type, message: text, stack }, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; two may share a timestamp
        <div key={`${event.timeUnixNano}-${i}`} className={styles.exception} data-testid="exception">
          <div>
            <strong>{type}</strong>
            {text ? `: ${text}` : ''}
          </div>
          {stack && <pre className={styles.pre}>{stack}</pre>}
        </div>
      ))}
    </Section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  exception: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  pre: css({
    margin: 0,
    maxHeight: 400,
    overflow: 'auto',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
