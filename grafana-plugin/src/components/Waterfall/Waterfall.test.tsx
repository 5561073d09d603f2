import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { agentTrace } from '../../../test/fixtures';
import { criticalPath } from '../../utils/timeline';
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
});
