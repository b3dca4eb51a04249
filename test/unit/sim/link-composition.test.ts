// Proves the rules by which overlapping link conditions compose: rates as independent losses, larger latency bounds, reorder if any, and the network's scope rule for a host's own link.
import { describe, expect, it } from 'vitest';
import { covers, strongest } from '../../../src/sim/link-composition.js';

describe('link composition', () => {
  it('combines rates as independent losses and keeps a single rate exact', () => {
    expect(strongest([{ dropRate: 0.38 }])).toEqual({ dropRate: 0.38 });
    expect(strongest([{ dropRate: 0.5 }, { dropRate: 0.5 }])).toEqual({ dropRate: 0.75 });
    expect(strongest([{ duplicateRate: 0.1 }, {}, { duplicateRate: 0.1 }]).duplicateRate).toBeCloseTo(0.19, 12);
    expect(strongest([{ dropRate: 0 }, { dropRate: 1 }])).toEqual({ dropRate: 1 });
  });

  it('takes the larger latency bounds, keeping the first distribution, and reorder if any layer asks', () => {
    const merged = strongest([{ latencyMs: { min: 1, max: 30, distribution: 'exponential' } }, { latencyMs: { min: 200, max: 250 } }, { reorder: false }, { reorder: true }]);
    expect(merged).toEqual({ latencyMs: { min: 200, max: 250, distribution: 'exponential' }, reorder: true });
    // A wide window and a high narrow one: each bound from the layer that pushes it furthest.
    expect(strongest([{ latencyMs: { min: 100, max: 400 } }, { latencyMs: { min: 200, max: 250 } }]).latencyMs).toEqual({ min: 200, max: 400 });
    expect(strongest([{}, {}])).toEqual({});
  });

  it('covers a link by the network rule: an unscoped side never covers a host link to itself', () => {
    expect(covers(undefined, 'a', 'b')).toBe(true);
    expect(covers(undefined, 'a', 'a')).toBe(false);
    expect(covers({ from: ['a'] }, 'a', 'b')).toBe(true);
    expect(covers({ from: ['a'] }, 'b', 'a')).toBe(false);
    expect(covers({ from: 'a', to: 'a' }, 'a', 'a')).toBe(true);
    expect(covers({ to: 'abc' }, 'x', 'a')).toBe(false);
  });
});
