// Proves checkFaultPlan accepts every valid fault kind and rejects each bad field with a message naming the fault, the field, what was expected and what it got.
import { describe, expect, it } from 'vitest';
import { checkFaultPlan, faultPlanProblems } from '../../../src/sim/fault-plan-check.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';

const hosts = ['a', 'b'];

const valid: FaultPlan = [
  { kind: 'partition', atMs: 0, durationMs: 100, sideA: ['a'], sideB: ['b'] },
  { kind: 'partition', atMs: 5, durationMs: 0, sideA: ['a'], sideB: ['b'], oneWay: true },
  { kind: 'disconnect', atMs: 7, sideA: ['b'], sideB: ['a'] },
  { kind: 'crash', atMs: 10, host: 'a' },
  { kind: 'crash', atMs: 10, host: 'b', restartAfterMs: 50 },
  { kind: 'pause', atMs: 20, host: 'a', durationMs: 30 },
  { kind: 'clockJump', atMs: 30, host: 'b', deltaMs: -2000 },
  { kind: 'latency', atMs: 40, durationMs: 10, minMs: 5, maxMs: 5 },
  { kind: 'drop', atMs: 50, durationMs: 10, rate: 1, from: ['a'], to: ['b'] },
  { kind: 'duplicate', atMs: 60, durationMs: 10, rate: 0, to: ['a', 'b'] },
  { kind: 'hold', atMs: 70, durationMs: 10, from: 'a', to: 'b' },
];

/** Both directions between a and b declared lossy, so the drop and duplicate above are allowed. */
const lossyLinks = [{ from: ['a'], to: ['b'] }, { from: ['b'], to: ['a'] }];

function message(plan: unknown): string {
  try {
    checkFaultPlan(plan, hosts, lossyLinks);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('checkFaultPlan', () => {
  it('accepts a valid plan of every kind and an empty plan', () => {
    expect(() => checkFaultPlan(valid, hosts, lossyLinks)).not.toThrow();
    expect(() => checkFaultPlan([], [])).not.toThrow();
    expect(faultPlanProblems(valid, hosts, lossyLinks)).toEqual([]);
  });

  it('rejects drop and duplicate on links not declared lossy, naming the links', () => {
    expect(faultPlanProblems(valid, hosts)).toEqual([
      'faults[8]: a drop fault on links not declared lossy (a -> b): ZeroMQ over tcp or ipc never loses a single message on a live connection. ' +
        'Declare the links lossy (defineScenario({ lossyLinks: [{ from: [...], to: [...] }] })) or use partition, disconnect or crash',
      'faults[9]: a duplicate fault on links not declared lossy (a -> b, b -> a): ZeroMQ over tcp or ipc never duplicates a single message on a live connection. ' +
        'Declare the links lossy (defineScenario({ lossyLinks: [{ from: [...], to: [...] }] })) or use partition, disconnect or crash',
    ]);
    expect(faultPlanProblems(valid, hosts, [{ from: ['a'] }])).toHaveLength(1);
  });

  it('judges a host\'s link to itself as the network does: named on both sides it is a link a drop acts on, and must be declared', () => {
    // The injector applies { from: ['a'], to: ['a'] } to a's own link (loopback, ipc, inproc on a).
    const selfDrop = [{ kind: 'drop', atMs: 0, durationMs: 10, rate: 1, from: ['a'], to: ['a', 'b'] }];
    expect(faultPlanProblems(selfDrop, hosts, lossyLinks)).toEqual([
      'faults[0]: a drop fault on links not declared lossy (a -> a): ZeroMQ over tcp or ipc never loses a single message on a live connection. ' +
        'Declare the links lossy (defineScenario({ lossyLinks: [{ from: [...], to: [...] }] })) or use partition, disconnect or crash',
    ]);
    expect(faultPlanProblems(selfDrop, hosts, [...lossyLinks, { from: ['a'], to: ['a'] }])).toEqual([]);
    // An absent side still never covers a host's own link, in the declaration as in the fault.
    expect(faultPlanProblems([{ kind: 'drop', atMs: 0, durationMs: 10, rate: 1, from: ['a'] }], hosts, lossyLinks)).toEqual([]);
  });

  it.each([
    [[{ kind: 'crash', atMs: 0, host: 'a' }, { kind: 'crash', atMs: 0, host: 'b' }, { kind: 'crash', atMs: 0, host: 'c' }], 'RangeError: faults[2].host: expected one of "a", "b", got "c"'],
    [[{ kind: 'crash', atMs: -1, host: 'a' }], 'RangeError: faults[0].atMs: expected a finite number >= 0, got -1'],
    [[{ kind: 'crash', atMs: '5', host: 'a' }], 'TypeError: faults[0].atMs: expected a number, got "5"'],
    [[{ kind: 'drop', atMs: 0, durationMs: 10, rate: 1.5 }], 'RangeError: faults[0].rate: expected a number in [0, 1], got 1.5'],
    [[{ kind: 'duplicate', atMs: 0, durationMs: 10, rate: -0.1 }], 'RangeError: faults[0].rate: expected a number in [0, 1], got -0.1'],
    [[{ kind: 'latency', atMs: 0, durationMs: 10, minMs: 50, maxMs: 10 }], 'RangeError: faults[0].maxMs: expected a number >= minMs (50), got 10'],
    [[{ kind: 'partition', atMs: 0, durationMs: 10, sideA: [], sideB: ['b'] }], 'RangeError: faults[0].sideA: expected a non-empty array of host names, got array of length 0'],
    [[{ kind: 'partition', atMs: 0, durationMs: 10, sideA: ['a'], sideB: ['a', 'b'] }], 'RangeError: faults[0].sideB: expected hosts not in sideA, got "a"'],
    [[{ kind: 'partition', atMs: 0, durationMs: 10, sideA: ['a', 'a'], sideB: ['b'] }], 'RangeError: faults[0].sideA[1]: expected a host not already listed, got "a"'],
    [[{ kind: 'partition', atMs: 0, durationMs: 10, sideA: 'a', sideB: ['b'] }], 'TypeError: faults[0].sideA: expected a non-empty array of host names, got "a"'],
    [[{ kind: 'partition', atMs: 0, durationMs: 10, sideA: ['a'], sideB: ['b'], oneWay: 1 }], 'TypeError: faults[0].oneWay: expected a boolean, got 1'],
    [[{ kind: 'explode', atMs: 0 }], 'RangeError: faults[0].kind: expected one of "partition", "disconnect", "crash", "pause", "clockJump", "latency", "drop", "duplicate", "hold", got "explode"'],
    [[null], 'TypeError: faults[0]: expected a fault object, got null'],
    [{ kind: 'crash' }, 'TypeError: faults: expected an array of faults, got object Object'],
    [[{ kind: 'pause', atMs: 0, host: 'a', durationMs: Infinity }], 'RangeError: faults[0].durationMs: expected a finite number >= 0, got Infinity'],
    [[{ kind: 'crash', atMs: 0, host: 'a', restartAfterMs: -5 }], 'RangeError: faults[0].restartAfterMs: expected a finite number >= 0, got -5'],
    [[{ kind: 'clockJump', atMs: 0, host: 'a', deltaMs: NaN }], 'RangeError: faults[0].deltaMs: expected a number, got NaN'],
    [[{ kind: 'hold', atMs: 0, durationMs: 5, from: 'a', to: 'a' }], 'RangeError: faults[0].to: expected a host other than from ("a"), got "a"'],
    [[{ kind: 'drop', atMs: 0, durationMs: 5, rate: 0.5, from: ['z'] }], 'RangeError: faults[0].from[0]: expected one of "a", "b", got "z"'],
    [[{ kind: 'drop', atMs: 0, durationMs: 5, rate: 0.5, to: [] }], 'RangeError: faults[0].to: expected a non-empty array of host names, got array of length 0'],
    [[{ kind: 'crash', atMs: 0, host: 'a', durationMs: 5 }], 'RangeError: faults[0]: unknown option "durationMs" (known: kind, atMs, host, restartAfterMs)'],
  ])('rejects %j with an exact message', (plan, expectedMessage) => {
    expect(message(plan)).toBe(expectedMessage);
  });

  it('reports every problem of a plan, one a line', () => {
    const plan = [
      { kind: 'crash', atMs: -1, host: 'x' },
      { kind: 'drop', atMs: 0, durationMs: 10, rate: 2 },
    ];
    expect(faultPlanProblems(plan, hosts)).toEqual([
      'faults[0].atMs: expected a finite number >= 0, got -1',
      'faults[0].host: expected one of "a", "b", got "x"',
      'faults[1].rate: expected a number in [0, 1], got 2',
    ]);
    expect(message(plan)).toBe(
      'RangeError: fault plan has 3 problems:\n' +
        'faults[0].atMs: expected a finite number >= 0, got -1\n' +
        'faults[0].host: expected one of "a", "b", got "x"\n' +
        'faults[1].rate: expected a number in [0, 1], got 2',
    );
  });

  it('says so when the scenario has no hosts, and rejects a bad host list', () => {
    expect(() => checkFaultPlan([{ kind: 'crash', atMs: 0, host: 'a' }], [])).toThrow('faults[0].host: expected a host name (the scenario has no hosts), got "a"');
    expect(() => checkFaultPlan([], 'a' as unknown as string[])).toThrow('hostNames: expected an array of host names, got "a"');
  });
});
