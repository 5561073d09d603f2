import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { agentTrace } from '../../../test/fixtures';
import { criticalPath } from '../../utils/timeline';
import { sequentialRun } from './sequential-run';
import { Waterfall } from './Waterfall';

const bar = (id: string) => screen.getByTestId(`span-bar-${id}`);

describe('Waterfall', () => {
  it('computes the critical path of a known trace', () => {
    expect(criticalPath(agentTrace())).toEqual(['root', 'llm1', 'tool2', 'llm2', 'save']);
  });

  it('marks the critical path and only it', () => {
    render(<Waterfall spans={agentTrace()} />);
    const marked = ['root', 'llm1', 'tool1', 'tool2', 'llm2', 'save'].filter(
      (id) => bar(id).getAttribute('data-critical') === 'true',
    );
    expect(marked).toEqual(['root', 'llm1', 'tool2', 'llm2', 'save']);
    expect(bar('tool1').getAttribute('aria-label')).not.toContain('critical path');
    expect(screen.getByText(/Critical path: 5 spans/)).toBeTruthy();
  });

  it('puts parallel spans on separate rows (tree and compact layouts)', () => {
    render(<Waterfall spans={agentTrace()} />);
    expect(screen.getAllByTestId('waterfall-row')).toHaveLength(6);
    expect(bar('tool1').getAttribute('data-row')).not.toBe(bar('tool2').getAttribute('data-row'));

    fireEvent.click(screen.getByLabelText('Compact'));
    const row = (id: string) => Number(bar(id).getAttribute('data-row'));
    // tool1 and tool2 run at the same time: two rows. llm1 → (a tool) → llm2 → save run one after another: one row.
    expect(row('tool1')).not.toBe(row('tool2'));
    expect([row('tool1'), row('tool2')]).toContain(row('llm1'));
    expect(row('llm2')).toBe(row('llm1'));
    expect(row('save')).toBe(row('llm1'));
    expect(row('root')).toBeLessThan(row('llm1'));
  });

  it('lists the slowest spans and selects on click', () => {
    const onSelect = vi.fn();
    render(<Waterfall spans={agentTrace()} onSelect={onSelect} />);
    const slowest = screen.getAllByTestId(/^slow-span-/).map((el) => el.getAttribute('data-testid'));
    expect(slowest.slice(0, 3)).toEqual(['slow-span-tool2', 'slow-span-tool1', 'slow-span-llm2']);
    fireEvent.click(bar('tool2'));
    expect(onSelect).toHaveBeenCalledWith('tool2');
  });

  describe('on a big sequential run', () => {
    const run = sequentialRun(['planner', 'coder', 'critic'], 10, 4);
    const rowCount = () => Number(screen.getByTestId('waterfall-scroller').getAttribute('data-row-count'));
    const row = (id: string) => document.querySelector(`[data-testid="waterfall-row"][data-span-id="${id}"]`);

    it('opens with each agent invocation one row, its child count shown, and collapses per agent', () => {
      render(<Waterfall spans={run.spans} />);
      expect(rowCount()).toBe(31);
      expect(screen.getAllByTestId('hidden-count')[0]!.textContent).toBe('+8');
      // the DOM holds a screen of rows, not the trace
      expect(screen.getAllByTestId('waterfall-row').length).toBeLessThanOrEqual(31);

      fireEvent.click(screen.getByText('Expand all'));
      expect(rowCount()).toBe(run.spans.length);
      expect(screen.getAllByTestId('waterfall-row').length).toBeLessThan(run.spans.length);
      fireEvent.click(screen.getByTestId('agent-toggle-coder'));
      expect(rowCount()).toBe(run.spans.length - 10 * 8);
      expect(screen.getByTestId('agent-toggle-coder').getAttribute('aria-pressed')).toBe('true');
      fireEvent.click(screen.getByText('Collapse all'));
      expect(rowCount()).toBe(31);
      fireEvent.click(screen.getAllByLabelText('Expand invoke_agent planner')[0]!);
      expect(rowCount()).toBe(39);
    });

    it('finds a span hidden in a collapsed invocation: counts, opens its ancestors, marks it', () => {
      render(<Waterfall spans={run.spans} />);
      expect(row(run.slowToolId)).toBeNull();
      const search = screen.getByLabelText('Find in trace');
      fireEvent.change(search, { target: { value: 'run_python' } });
      expect(screen.getByTestId('search-count').textContent).toBe('1 match');
      expect(screen.getAllByTestId('hidden-matches')).toHaveLength(1);
      fireEvent.keyDown(search, { key: 'Enter' });
      expect(screen.getByTestId('search-count').textContent).toBe('1 of 1');
      expect(row(run.slowToolId)?.getAttribute('data-current-match')).toBe('true');
      expect(rowCount()).toBe(31 + 8);

      fireEvent.change(search, { target: { value: 'model-critic' } });
      expect(screen.getByTestId('search-count').textContent).toBe('40 matches');
      fireEvent.keyDown(search, { key: 'Enter', shiftKey: true }); // backwards from the start: the last match
      expect(screen.getByTestId('search-count').textContent).toBe('40 of 40');
      // the last critic invocation opened to show it (jsdom does not scroll: the browser test checks the row is drawn)
      expect(rowCount()).toBe(31 + 8 + 8);
    });

    it('says the run is sequential and marks only the heaviest links of the path', () => {
      render(<Waterfall spans={run.spans} />);
      expect(screen.getByTestId('critical-path-note').textContent).toMatch(/Purely sequential run/);
      const critical = document.querySelectorAll('[data-critical="true"]');
      expect(critical.length).toBeGreaterThan(0);
      expect(critical.length).toBeLessThan(20);
      expect(screen.getByTestId(`heavy-span-${run.slowToolId}`)).toBeTruthy();
    });
  });
});
