// Search within the trace: by span name, tool, model or agent; "n of m"; Enter (or ↓) goes to the next match,
// Shift+Enter (or ↑) to the previous one, opening what hides it.
import { IconButton, Input, Stack, Text } from '@grafana/ui';

interface TraceSearchProps {
  query: string;
  onQuery: (query: string) => void;
  count: number;
  /** 0-based index of the current match, -1 before the first step. */
  current: number;
  onStep: (step: 1 | -1) => void;
}

export function TraceSearch({ query, onQuery, count, current, onStep }: TraceSearchProps) {
  return (
    <Stack direction="row" alignItems="center" gap={0.5}>
      <Input
        width={40}
        prefix={<span aria-hidden>⌕</span>}
        placeholder="Find a span: name, tool, model, agent"
        aria-label="Find in trace"
        data-testid="trace-search"
        value={query}
        onChange={(e) => onQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          onStep(e.shiftKey ? -1 : 1);
        }}
      />
      {query.trim() && (
        <Text color={count === 0 ? 'error' : 'secondary'} variant="bodySmall" data-testid="search-count">
          {count === 0
            ? 'no match'
            : current < 0
              ? `${count} match${count === 1 ? '' : 'es'}`
              : `${current + 1} of ${count}`}
        </Text>
      )}
      <IconButton
        name="arrow-up"
        tooltip="Previous match (Shift+Enter)"
        disabled={count === 0}
        onClick={() => onStep(-1)}
      />
      <IconButton
        name="arrow-down"
        tooltip="Next match (Enter)"
        disabled={count === 0}
        onClick={() => onStep(1)}
      />
    </Stack>
  );
}
