import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { agentTrace } from '../../../test/fixtures';
import { deriveGraph } from '../../utils/graph';
import { TimeTravel } from './TimeTravel';

const shownNodes = () =>
  screen.queryAllByTestId(/^graph-node-/).map((n) => n.getAttribute('data-testid')!.slice(11));

describe('TimeTravel', () => {
  it('steps through spans in start order with the arrow keys; the graph shows only spans up to the step', () => {
    const spans = agentTrace();
    const onStep = vi.fn();
    render(<TimeTravel spans={spans} graph={deriveGraph(spans)} onStep={onStep} />);
    const slider = screen.getByRole('slider');
    const position = () => screen.getByTestId('time-travel-position').textContent;

    // starts at the end: everything
    expect(position()).toBe('Step 6 / 6');
    expect(shownNodes().sort()).toEqual(['llm1', 'llm2', 'root', 'tool1', 'tool2']);

    fireEvent.keyDown(slider, { key: 'Home' });
    expect(position()).toBe('Step 1 / 6');
    expect(shownNodes()).toEqual(['root']);

    // start order: root, llm1, tool2 (longer, same start as tool1), tool1, llm2, save
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(shownNodes()).toEqual(['root', 'llm1']);
    expect(onStep).toHaveBeenLastCalledWith(expect.objectContaining({ spanId: 'llm1' }));

    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(position()).toBe('Step 4 / 6');
    expect(shownNodes().sort()).toEqual(['llm1', 'root', 'tool1', 'tool2']);
    expect(screen.queryByTestId('graph-node-llm2')).toBeNull();

    fireEvent.keyDown(slider, { key: 'ArrowLeft' });
    expect(position()).toBe('Step 3 / 6');
    expect(shownNodes().sort()).toEqual(['llm1', 'root', 'tool2']);

    // does not run past either end
    fireEvent.keyDown(slider, { key: 'End' });
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(position()).toBe('Step 6 / 6');
    expect(onStep).toHaveBeenLastCalledWith(expect.objectContaining({ spanId: 'save' }));
  });
});
