// Proves the fault-plan arbitraries generate valid plans (drop and duplicate only on declared lossy links) and shrink a failing plan to the minimal one: a single fault with the shortest failing window.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultArbitrary, faultPlanArbitrary, workloadArbitrary } from '../../../src/sim/fault-arbitrary.js';
import { checkFaultPlan } from '../../../src/sim/fault-plan-check.js';
import { FAULT_KINDS, type Fault, type FaultPlan } from '../../../src/sim/fault-plan.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
const hosts = ['a', 'b', 'c', 'd'];
const lossyLinks = [{ from: ['a'], to: ['b', 'c'] }];

/** The planted bug: a partition of at least 100ms that cuts host b off. */
function hasLongPartitionOfB(plan: FaultPlan): boolean {
  return plan.some((f) => f.kind === 'partition' && f.durationMs >= 100 && [...f.sideA, ...f.sideB].includes('b'));
}

describe('faultPlanArbitrary', () => {
  it('without lossy links generates every realistic kind and never drop or duplicate', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(faultPlanArbitrary({ hosts, durationMs: 3000, faultsMax: 6 }), (plan) => {
        expect(() => checkFaultPlan(plan, hosts)).not.toThrow();
        for (const f of plan) kinds.add(f.kind);
      }),
      { seed, numRuns },
    );
    expect([...kinds].sort()).toEqual(FAULT_KINDS.filter((k) => k !== 'drop' && k !== 'duplicate').sort());
  });

  it('generates valid, sorted plans of every kind within faultsMax, drop and duplicate on the lossy links', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(faultPlanArbitrary({ hosts, durationMs: 3000, faultsMax: 6, lossyLinks }), (plan) => {
        expect(() => checkFaultPlan(plan, hosts, lossyLinks)).not.toThrow();
        expect(plan.length).toBeLessThanOrEqual(6);
        expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((x, y) => x - y));
        for (const f of plan) kinds.add(f.kind);
      }),
      { seed, numRuns },
    );
    expect([...kinds].sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('shrinks a failing plan to a single partition of exactly 100ms involving b', () => {
    const details = fc.check(
      fc.property(faultPlanArbitrary({ hosts, durationMs: 5000, faultsMax: 10 }), (plan) => !hasLongPartitionOfB(plan)),
      { seed, numRuns: Math.max(numRuns, 200) },
    );
    expect(details.failed).toBe(true);
    const [plan] = details.counterexample as [FaultPlan];
    expect(plan).toHaveLength(1);
    const fault = plan[0] as Extract<Fault, { kind: 'partition' }>;
    expect(fault.kind).toBe('partition');
    expect(fault.durationMs).toBe(100);
    expect(fault.atMs).toBe(0);
    expect(fault.oneWay).toBeUndefined();
    expect([...fault.sideA, ...fault.sideB]).toContain('b');
    expect(fault.sideA.length + fault.sideB.length).toBe(2);
  });

  it('reports the same minimal counterexample through fc.assert', () => {
    let message = '';
    try {
      fc.assert(
        fc.property(faultPlanArbitrary({ hosts, durationMs: 5000, kinds: ['partition', 'crash', 'drop'], lossyLinks }), (plan) => !hasLongPartitionOfB(plan)),
        { seed, numRuns: Math.max(numRuns, 200) },
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Counterexample: \[\[\{"kind":"partition","atMs":0,"durationMs":100,"sideA":\["\w"\],"sideB":\["\w"\]\}\]\]/);
  });

  it('keeps to the kinds asked for and rejects impossible ones', () => {
    fc.assert(fc.property(faultArbitrary({ hosts, durationMs: 100, kinds: ['hold'] }), (f) => f.kind === 'hold' && f.from !== f.to), { seed, numRuns });
    expect(() => faultArbitrary({ hosts: ['a'], durationMs: 100, kinds: ['partition'] })).toThrow('kinds[0]: expected a kind possible with one host, got "partition"');
    expect(() => faultPlanArbitrary({ hosts, durationMs: 0 })).toThrow('durationMs: expected an integer in [1, 2147483647], got 0');
  });
});

describe('workloadArbitrary', () => {
  it('generates time-sorted steps by known hosts and shrinks to the fewest steps', () => {
    const workload = workloadArbitrary({ hosts: ['c1', 'c2'], durationMs: 1000, op: fc.constantFrom('get', 'put') });
    const details = fc.check(fc.property(workload, (steps) => steps.filter((s) => s.op === 'put').length < 2), { seed, numRuns });
    expect(details.failed).toBe(true);
    expect(details.counterexample?.[0]).toEqual([
      { atMs: 0, host: 'c1', op: 'put' },
      { atMs: 0, host: 'c1', op: 'put' },
    ]);
  });
});
