// One editable model call: system prompt and messages in code editors with a live token count, model picker,
// provider, sampling settings, and where to send it (base URL, API key for this request only).
import type { ReplayProvider } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Collapse, Field, Input, RadioButtonGroup, Stack, Text, useStyles2 } from '@grafana/ui';
import { useId, useMemo, useState } from 'react';
import { formatTokens } from '../../utils/format';
import { COMMON_MODELS, type DraftErrors, PROVIDERS, promptText, type ReplayDraft } from './draft';
import { TextEditor } from './TextEditor';
import { isExactTokenizer, useTokenCount } from './tokens';

export interface PromptEditorProps {
  /** Names the editor in A/B mode ('A', 'B'); unset for a single replay. */
  slot?: string;
  draft: ReplayDraft;
  onChange: (draft: ReplayDraft) => void;
  errors: DraftErrors;
  /** The span's own model, first among the suggestions. */
  spanModel: string;
  disabled?: boolean;
}

function TokenCountView({ draft }: { draft: ReplayDraft }) {
  const styles = useStyles2(getStyles);
  const text = useMemo(() => promptText(draft), [draft]);
  const count = useTokenCount(text);
  const exact = isExactTokenizer(draft.provider, draft.model);
  if (count.status === 'loading') {
    return <span className={styles.muted}>Counting tokens…</span>;
  }
  if (count.status === 'error') {
    return <span className={styles.muted}>Token count unavailable ({count.error.message})</span>;
  }
  return (
    <span data-testid="token-count" data-tokens={count.tokens} data-estimate={exact ? 'false' : 'true'}>
      {exact ? '' : '≈ '}
      <strong>{formatTokens(count.tokens)}</strong> prompt tokens{' '}
      <span className={styles.muted}>
        {exact
          ? '(o200k_base; message framing not counted)'
          : `(estimate with OpenAI's o200k_base tokenizer; ${draft.model || 'this model'} counts differently)`}
      </span>
    </span>
  );
}

export function PromptEditor({ slot, draft, onChange, errors, spanModel, disabled }: PromptEditorProps) {
  const styles = useStyles2(getStyles);
  const id = useId();
  const [showTools, setShowTools] = useState(draft.tools !== '');
  const [showConnection, setShowConnection] = useState(draft.baseUrl !== '' || draft.apiKey !== '');
  const set = <K extends keyof ReplayDraft>(key: K, value: ReplayDraft[K]) =>
    onChange({ ...draft, [key]: value });
  const prefix = slot ? `${slot}: ` : '';
  const suggestions = useMemo(
    () => [...new Set([spanModel, ...COMMON_MODELS[draft.provider]].filter(Boolean))],
    [spanModel, draft.provider],
  );

  return (
    <div className={styles.container} data-testid={slot ? `prompt-editor-${slot}` : 'prompt-editor'}>
      <Stack gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Provider" className={styles.field}>
          <RadioButtonGroup<ReplayProvider>
            size="sm"
            options={PROVIDERS}
            value={draft.provider}
            disabled={disabled}
            onChange={(v) => set('provider', v)}
          />
        </Field>
        <Field
          label="Model"
          className={styles.field}
          invalid={!!errors.model}
          error={errors.model}
          description="Type any model, or pick a suggestion"
        >
          <Input
            id={`${id}-model`}
            aria-label={`${prefix}Model`}
            width={26}
            list={`${id}-models`}
            value={draft.model}
            disabled={disabled}
            onChange={(e) => set('model', e.currentTarget.value)}
          />
        </Field>
        <datalist id={`${id}-models`} data-testid="model-suggestions">
          {suggestions.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <Field
          label="Temperature"
          className={styles.field}
          invalid={!!errors.temperature}
          error={errors.temperature}
        >
          <Input
            aria-label={`${prefix}Temperature`}
            type="number"
            min={0}
            max={2}
            step={0.1}
            width={12}
            placeholder="original"
            value={draft.temperature}
            disabled={disabled}
            onChange={(e) => set('temperature', e.currentTarget.value)}
          />
        </Field>
        <Field
          label="Max tokens"
          className={styles.field}
          invalid={!!errors.maxTokens}
          error={errors.maxTokens}
        >
          <Input
            aria-label={`${prefix}Max tokens`}
            type="number"
            min={1}
            step={1}
            width={12}
            placeholder="original"
            value={draft.maxTokens}
            disabled={disabled}
            onChange={(e) => set('maxTokens', e.currentTarget.value)}
          />
        </Field>
      </Stack>

      <Text element="h5" variant="h6">
        System prompt
      </Text>
      <TextEditor
        label={`${prefix}System prompt`}
        language="markdown"
        height={100}
        value={draft.system}
        readOnly={disabled}
        onChange={(v) => set('system', v)}
      />

      <div className={styles.messagesHeader}>
        <Text element="h5" variant="h6">
          Messages
        </Text>
        <Text variant="bodySmall" color="secondary">
          JSON: OTel GenAI messages <code>{'{ role, parts }'}</code>, or <code>{'{ role, content }'}</code>{' '}
          for plain text
        </Text>
      </div>
      <TextEditor
        label={`${prefix}Messages`}
        language="json"
        height={300}
        value={draft.messages}
        readOnly={disabled}
        onChange={(v) => set('messages', v)}
      />
      {errors.messages && (
        <div className={styles.error} role="alert">
          {errors.messages}
        </div>
      )}
      <div className={styles.tokens}>
        <TokenCountView draft={draft} />
      </div>

      <Collapse label="Tools" isOpen={showTools} onToggle={() => setShowTools((v) => !v)} collapsible>
        <Text variant="bodySmall" color="secondary" element="p">
          JSON array of <code>{'{ name, description, parameters }'}</code>. Leave empty to send the original
          call's tools.
        </Text>
        <TextEditor
          label={`${prefix}Tools`}
          language="json"
          height={120}
          value={draft.tools}
          readOnly={disabled}
          onChange={(v) => set('tools', v)}
        />
        {errors.tools && (
          <div className={styles.error} role="alert">
            {errors.tools}
          </div>
        )}
      </Collapse>

      <Collapse
        label="Endpoint and API key"
        isOpen={showConnection}
        onToggle={() => setShowConnection((v) => !v)}
        collapsible
      >
        <Field
          label="Base URL"
          description="Empty: the endpoint configured on the collector for this provider"
          invalid={!!errors.baseUrl}
          error={errors.baseUrl}
        >
          <Input
            aria-label={`${prefix}Base URL`}
            placeholder="e.g. http://localhost:11434/v1"
            value={draft.baseUrl}
            disabled={disabled}
            onChange={(e) => set('baseUrl', e.currentTarget.value)}
          />
        </Field>
        <Field
          label="API key"
          description="Empty: the collector's configured key (sent only to its configured endpoint). A key typed here is sent only in the body of this replay request: Beacon does not store or log it, and this page keeps it in memory only (not in the URL or browser storage)."
        >
          <Input
            aria-label={`${prefix}API key`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={draft.apiKey}
            disabled={disabled}
            onChange={(e) => set('apiKey', e.currentTarget.value)}
          />
        </Field>
      </Collapse>

      <Field label="Version label" description="Optional; every run saves a prompt version">
        <Input
          aria-label={`${prefix}Version label`}
          placeholder={slot ? `${slot}` : 'e.g. shorter system prompt'}
          value={draft.label}
          disabled={disabled}
          onChange={(e) => set('label', e.currentTarget.value)}
        />
      </Field>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    minWidth: 0,
  }),
  field: css({
    marginBottom: 0,
  }),
  messagesHeader: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  }),
  tokens: css({
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
  error: css({
    color: theme.colors.error.text,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
