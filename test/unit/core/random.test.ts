// Proves Random is deterministic per seed, forks streams that ignore the parent's draws, keeps int within bounds, shuffles into a permutation, and rejects bad arguments with "expected X, got Y".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);

const draws = (random: Random, count = 20) => Array.from({ length: count }, () => random.int(0, 1_000_000));

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    expect(draws(new Random(7))).toEqual(draws(new Random(7)));
    expect(draws(new Random(7))).not.toEqual(draws(new Random(8)));
    fc.assert(
      fc.property(fc.integer(), (s) => {
        const a = new Random(s);
        const b = new Random(s);
        expect([a.float(), a.int(-5, 5), a.bool(0.5)]).toEqual([b.float(), b.int(-5, 5), b.bool(0.5)]);
      }),
      { seed, numRuns },
    );
  });

  it('accepts seeds beyond 32 bits and keeps them distinct from 0', () => {
    expect(draws(new Random(2 ** 40))).toEqual(draws(new Random(2 ** 40)));
    expect(new Random(2 ** 32).seed).not.toBe(0);
  });

  it('forks streams that depend on seed and label only, not on the parent\'s draws', () => {
    const fresh = new Random(11);
    const used = new Random(11);
    draws(used, 100);
    expect(draws(used.fork('host-a'))).toEqual(draws(fresh.fork('host-a')));
    expect(draws(fresh.fork('host-a'))).not.toEqual(draws(fresh.fork('host-b')));
    // Forking does not consume from the parent.
    const parent = new Random(11);
    parent.fork('x');
    expect(draws(parent)).toEqual(draws(new Random(11)));
    expect(draws(new Random(11).fork('x'))).not.toEqual(draws(new Random(11)));
  });

  it('gives consecutive seeds unrelated streams (no shared or linear first draws)', () => {
    const firsts = Array.from({ length: 64 }, (_, s) => new Random(s).int(0, 99));
    // Linear seeding made seeds 1..7 draw 46, 45, 44, ...: consecutive differences all equal.
    const steps = new Set(firsts.slice(1).map((value, i) => (value - (firsts[i] as number) + 100) % 100));
    expect(steps.size).toBeGreaterThan(20);
    const heads = Array.from({ length: 64 }, (_, s) => new Random(s).bool(0.5)).filter(Boolean).length;
    expect(heads).toBeGreaterThan(16);
    expect(heads).toBeLessThan(48);
  });

  it('forks of different seeds differ, across the 2^31 boundary and for complementary seeds', () => {
    for (const [a, b] of [
      [2 ** 31, 2 ** 31 - 1],
      [0, -1],
      [2 ** 32 - 1, 0],
      [1, 2 ** 32 + 1],
    ] as const) {
      expect(draws(new Random(a).fork('host-a'))).not.toEqual(draws(new Random(b).fork('host-a')));
      expect(draws(new Random(a))).not.toEqual(draws(new Random(b)));
    }
  });

  it('keeps int within its inclusive bounds and reaches both ends', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 50 }), (s, lo, span) => {
        const random = new Random(s);
        for (let i = 0; i < 20; i++) {
          const value = random.int(lo, lo + span);
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(lo);
          expect(value).toBeLessThanOrEqual(lo + span);
        }
      }),
      { seed, numRuns },
    );
    const random = new Random(3);
    const seen = new Set(Array.from({ length: 200 }, () => random.int(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(random.int(4, 4)).toBe(4);
  });

  it('draws floats in [0, 1) and honours bool(0) and bool(1)', () => {
    const random = new Random(5);
    for (let i = 0; i < 1000; i++) {
      const value = random.float();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    expect(Array.from({ length: 50 }, () => random.bool(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 50 }, () => random.bool(1)).every(Boolean)).toBe(true);
    const heads = Array.from({ length: 1000 }, () => random.bool(0.5)).filter(Boolean).length;
    expect(heads).toBeGreaterThan(400);
    expect(heads).toBeLessThan(600);
  });

  it('shuffles in place into a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 30 }), (s, items) => {
        const copy = [...items];
        const result = new Random(s).shuffle(copy);
        expect(result).toBe(copy);
        expect([...result].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
      }),
      { seed, numRuns },
    );
    const orders = new Set(Array.from({ length: 30 }, (_, s) => new Random(s).shuffle([1, 2, 3, 4, 5]).join()));
    expect(orders.size).toBeGreaterThan(5);
  });

  it('picks a member of the array', () => {
    const random = new Random(9);
    const items = ['a', 'b', 'c'] as const;
    for (let i = 0; i < 50; i++) expect(items).toContain(random.pick(items));
    expect(() => random.pick([])).toThrow(new RangeError('pick: expected a non-empty array, got an empty one'));
    expect(() => random.pick('abc' as never)).toThrow(new TypeError('items: expected an array, got "abc"'));
    expect(() => random.shuffle({ length: 3 } as never)).toThrow(new TypeError('items: expected an array, got object Object'));
  });

  it('rejects bad arguments with "expected X, got Y"', () => {
    const random = new Random(1);
    expect(() => random.int(5, 1)).toThrow(new RangeError('maxInclusive: expected an integer in [5, 9007199254740991], got 1'));
    expect(() => random.int(0.5, 1)).toThrow(new RangeError('minInclusive: expected an integer, got 0.5'));
    expect(() => random.int('0' as never, 1)).toThrow(new TypeError('minInclusive: expected a number, got "0"'));
    expect(() => random.bool(2)).toThrow(new RangeError('probability: expected a number in [0, 1], got 2'));
    expect(() => random.bool(Number.NaN)).toThrow(new RangeError('probability: expected a number, got NaN'));
    expect(() => random.fork(3 as never)).toThrow(new TypeError('label: expected a string, got 3'));
    expect(() => new Random(1.5)).toThrow(new RangeError('seed: expected an integer, got 1.5'));
    expect(() => new Random(2 ** 60)).toThrow(new RangeError(`seed: expected an integer in [${-(2 ** 53 - 1)}, ${2 ** 53 - 1}], got ${2 ** 60}`));
  });
});
