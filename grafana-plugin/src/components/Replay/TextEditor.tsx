// The replay panel's code editor: @grafana/ui's Monaco CodeEditor behind a small, stable interface, so tests in
// jsdom (where Monaco cannot run) can swap in a plain textarea by mocking this module.
import { CodeEditor } from '@grafana/ui';
import { useCallback, useRef } from 'react';

export interface TextEditorProps {
  /** Accessible name of the editor. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  language: 'json' | 'markdown' | 'plaintext';
  height?: number;
  readOnly?: boolean;
}

export function TextEditor({ label, value, onChange, language, height = 160, readOnly }: TextEditorProps) {
  // CodeEditor subscribes the onChange it gets at mount and never the later ones: hand it a stable function.
  const latest = useRef(onChange);
  latest.current = onChange;
  const stableOnChange = useCallback((next: string) => latest.current(next), []);
  return (
    <section aria-label={label} data-testid="text-editor">
      <CodeEditor
        value={value}
        language={language}
        height={height}
        readOnly={readOnly}
        onChange={stableOnChange}
        onBlur={stableOnChange}
        showMiniMap={false}
        showLineNumbers={language === 'json'}
        wordWrap
        monacoOptions={{ scrollBeyondLastLine: false, ariaLabel: label }}
      />
    </section>
  );
}
