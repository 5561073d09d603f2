import { describe, expect, it } from 'vitest';
import { formatCost } from './format';

describe('formatCost', () => {
  it('never rounds a non-zero cost to zero', () => {
    for (const usd of [0.00004, 0.0000042, 0.00000099, 1e-12, 0.00049, 0.000051]) {
      expect(formatCost(usd)).not.toMatch(/^\$0(\.0+)?$/);
    }
    expect(formatCost(0)).toBe('$0');
  });

  it('shows two significant digits below ten cents, cents above', () => {
    expect(formatCost(0.000042)).toBe('$0.000042');
    expect(formatCost(0.00015)).toBe('$0.00015');
    expect(formatCost(0.0029)).toBe('$0.0029');
    expect(formatCost(0.0009)).toBe('$0.0009');
    expect(formatCost(0.005)).toBe('$0.0050');
    expect(formatCost(0.0116)).toBe('$0.012');
    expect(formatCost(0.009999)).toBe('$0.010');
    expect(formatCost(0.0999)).toBe('$0.10');
    expect(formatCost(0.14)).toBe('$0.14');
    expect(formatCost(12.345)).toBe('$12.35');
    expect(formatCost(250.4)).toBe('$250');
  });

  it('says "less than" below a millionth of a dollar, and has a dash for no value', () => {
    expect(formatCost(0.0000004)).toBe('<$0.000001');
    expect(formatCost(null)).toBe('–');
    expect(formatCost(Number.NaN)).toBe('–');
  });
});
