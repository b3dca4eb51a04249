// Proves RoundRobin visits each member exactly once per cycle between membership changes, never yields a removed member, and reshuffles deterministically from the injected random.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RandomPort } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import { RoundRobin } from '../../../src/core/round-robin.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);

/** A RandomPort whose shuffle reverses and counts calls, to observe when reshuffles happen. */
function reversingRandom(): RandomPort & { shuffles: number } {
  const base = new Random(1);
  const random = {
    shuffles: 0,
    int: base.int.bind(base),
    float: base.float.bind(base),
    bool: base.bool.bind(base),
    pick: base.pick.bind(base),
    fork: base.fork.bind(base),
    shuffle<T>(items: T[]): T[] {
      random.shuffles++;
      return items.reverse();
    },
  };
  return random;
}

function take<T>(rr: RoundRobin<T>, count: number): T[] {
  return Array.from({ length: count }, () => rr.next());
}

describe('RoundRobin', () => {
  it('cycles through the shuffled order and repeats it each cycle', () => {
    const rr = new RoundRobin({ random: reversingRandom(), members: ['a', 'b', 'c'] });
    expect(rr.members()).toEqual(['c', 'b', 'a']);
    expect(take(rr, 7)).toEqual(['c', 'b', 'a', 'c', 'b', 'a', 'c']);
    expect([...rr]).toEqual(['c', 'b', 'a']);
    expect(rr.size).toBe(3);
  });

  it('reshuffles on add, remove, set and not on a no-op add or remove', () => {
    const random = reversingRandom();
    const rr = new RoundRobin<string>({ random });
    expect(random.shuffles).toBe(0);
    expect(rr.add('a')).toBe(true);
    expect(rr.add('b')).toBe(true);
    expect(random.shuffles).toBe(2);
    expect(rr.members()).toEqual(['b', 'a']);
    expect(rr.add('a')).toBe(false);
    expect(rr.remove('zzz')).toBe(false);
    expect(random.shuffles).toBe(2);
    expect(rr.remove('b')).toBe(true);
    expect(random.shuffles).toBe(3);
    rr.set(['x', 'y', 'x']);
    expect(random.shuffles).toBe(4);
    expect(rr.size).toBe(2);
    expect(rr.members()).toEqual(['y', 'x']);
  });

  it('restarts the cycle at the first member after a change', () => {
    const rr = new RoundRobin({ random: reversingRandom(), members: [1, 2, 3] });
    expect(rr.next()).toBe(3);
    rr.add(4);
    expect(take(rr, 4)).toEqual([4, 3, 2, 1]);
  });

  it('has, clear, and set from its own iterator', () => {
    const rr = new RoundRobin({ random: new Random(3), members: ['a', 'b'] });
    expect(rr.has('a')).toBe(true);
    expect(rr.has('z')).toBe(false);
    rr.set(rr);
    expect(rr.members().sort()).toEqual(['a', 'b']);
    rr.clear();
    expect(rr.size).toBe(0);
    expect(rr.members()).toEqual([]);
    expect(rr.has('a')).toBe(false);
  });

  it('throws a clear error from next() when empty', () => {
    const rr = new RoundRobin<string>({ random: new Random(1) });
    expect(() => rr.next()).toThrow(new RangeError('RoundRobin.next: no members (add one first)'));
    rr.add('a');
    rr.remove('a');
    expect(() => rr.next()).toThrow(RangeError);
  });

  it('rejects bad options with "expected X, got Y"', () => {
    const make = (options: unknown) => () => new RoundRobin(options as never);
    expect(make(undefined)).toThrow(new TypeError('RoundRobin options: expected an options object, got undefined'));
    expect(make(5)).toThrow(new TypeError('RoundRobin options: expected an options object, got 5'));
    expect(make({})).toThrow(new TypeError('random: expected a RandomPort, got undefined'));
    expect(make({ random: {} })).toThrow(new TypeError('random.shuffle: expected a function, got undefined'));
    expect(make({ random: new Random(1), member: [] })).toThrow(
      new RangeError('RoundRobin options: unknown option "member" (known: random, members)'),
    );
    expect(make({ random: new Random(1), members: 7 })).toThrow(new TypeError('members: expected an iterable, got 7'));
    expect(() => new RoundRobin({ random: new Random(1) }).set(null as never)).toThrow(
      new TypeError('members: expected an iterable, got null'),
    );
  });

  it('orders members from the seed: same seed same order, different seeds differ', () => {
    const members = Array.from({ length: 10 }, (_, i) => i);
    const orderFor = (s: number) => new RoundRobin({ random: new Random(s), members }).members();
    expect(orderFor(7)).toEqual(orderFor(7));
    const distinct = new Set(Array.from({ length: 20 }, (_, s) => orderFor(s).join(',')));
    expect(distinct.size).toBeGreaterThan(1);
  });
});

type Op =
  | { kind: 'add'; member: number }
  | { kind: 'remove'; member: number }
  | { kind: 'set'; members: number[] }
  | { kind: 'clear' }
  | { kind: 'next'; count: number };

const member = fc.integer({ min: 0, max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), member }),
  fc.record({ kind: fc.constant('remove' as const), member }),
  fc.record({ kind: fc.constant('set' as const), members: fc.array(member, { maxLength: 8 }) }),
  fc.record({ kind: fc.constant('clear' as const) }),
  fc.record({ kind: fc.constant('next' as const), count: fc.integer({ min: 1, max: 30 }) }),
);

/** Runs ops against a RoundRobin; returns every next() output grouped by the membership epoch it came from. */
function run(randomSeed: number, ops: Op[]): { epochs: { members: Set<number>; outputs: number[] }[] } {
  const rr = new RoundRobin<number>({ random: new Random(randomSeed) });
  const model = new Set<number>();
  const epochs = [{ members: new Set<number>(), outputs: [] as number[] }];
  const newEpoch = () => epochs.push({ members: new Set(model), outputs: [] });
  for (const o of ops) {
    if (o.kind === 'add') {
      expect(rr.add(o.member)).toBe(!model.has(o.member));
      if (!model.has(o.member)) {
        model.add(o.member);
        newEpoch();
      }
    } else if (o.kind === 'remove') {
      expect(rr.remove(o.member)).toBe(model.has(o.member));
      if (model.delete(o.member)) newEpoch();
    } else if (o.kind === 'set') {
      rr.set(o.members);
      model.clear();
      for (const m of o.members) model.add(m);
      newEpoch();
    } else if (o.kind === 'clear') {
      rr.clear();
      model.clear();
      newEpoch();
    } else if (model.size === 0) {
      expect(() => rr.next()).toThrow(RangeError);
    } else {
      for (let i = 0; i < o.count; i++) epochs.at(-1)!.outputs.push(rr.next());
    }
    expect(rr.size).toBe(model.size);
    expect(new Set(rr.members())).toEqual(model);
  }
  return { epochs };
}

describe('RoundRobin properties', () => {
  it('yields each member exactly once per cycle between changes, and never a non-member', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(op, { maxLength: 40 }), (randomSeed, ops) => {
        for (const { members, outputs } of run(randomSeed, ops).epochs) {
          const n = members.size;
          for (const out of outputs) expect(members.has(out)).toBe(true);
          for (let start = 0; start < outputs.length; start += n) {
            const cycle = outputs.slice(start, start + n);
            // A full cycle is a permutation; a partial one has no repeats.
            expect(new Set(cycle).size).toBe(cycle.length);
            // Every cycle repeats the first one's order.
            expect(cycle).toEqual(outputs.slice(0, cycle.length));
          }
        }
      }),
      { seed, numRuns },
    );
  });

  it('is deterministic: the same seed and operations give the same outputs', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(op, { maxLength: 30 }), (randomSeed, ops) => {
        expect(run(randomSeed, ops)).toEqual(run(randomSeed, ops));
      }),
      { seed, numRuns },
    );
  });
});
