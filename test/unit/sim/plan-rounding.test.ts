// Proves roundFaultPlan keeps a simpler number only where the run still fails, tries the simplest first, stays within the scenario, spends at most runsMax runs, and returns a plan that ran.
import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';
import { roundFaultPlan, simplerValues } from '../../../src/sim/plan-rounding.js';

const hosts = ['a', 'b'];

describe('simplerValues', () => {
  it('lists numbers with fewer significant digits, nearest first', () => {
    expect(simplerValues(397)).toEqual([400, 300, 390]);
    expect(simplerValues(1237)).toEqual([1000, 2000, 1200, 1300, 1240, 1230]);
    expect(simplerValues(-1540)).toEqual([-2000, -1000, -1500, -1600]);
    expect(simplerValues(400)).toEqual([]);
    expect(simplerValues(7)).toEqual([]);
    expect(simplerValues(0)).toEqual([]);
    expect(simplerValues(2.5)).toEqual([]);
  });
});

describe('roundFaultPlan', () => {
  it('rounds each number as far as the run still fails, rates in percent', async () => {
    const tried: FaultPlan[] = [];
    // "Fails" while the partition starts at or before 1250 and lasts at least 395ms, and the rate is at least 0.3.
    const stillFails = async (plan: FaultPlan): Promise<boolean> => {
      tried.push(plan);
      const partition = plan.find((f) => f.kind === 'partition');
      const drop = plan.find((f) => f.kind === 'drop');
      return partition !== undefined && partition.atMs <= 1250 && partition.durationMs >= 395 && drop !== undefined && drop.rate >= 0.3;
    };
    const plan: FaultPlan = [
      { kind: 'drop', atMs: 900, durationMs: 40, rate: 0.37 },
      { kind: 'partition', atMs: 1237, durationMs: 397, sideA: ['a'], sideB: ['b'] },
    ];
    const rounded = await roundFaultPlan(plan, { stillFails, hosts, lossyLinks: [{}], durationMs: 2000 });
    expect(rounded.plan).toEqual([
      { kind: 'drop', atMs: 900, durationMs: 40, rate: 0.4 },
      { kind: 'partition', atMs: 1000, durationMs: 400, sideA: ['a'], sideB: ['b'] },
    ]);
    expect(rounded.runs).toBe(tried.length);
    expect(await stillFails(rounded.plan)).toBe(true);
    expect(plan[0]).toEqual({ kind: 'drop', atMs: 900, durationMs: 40, rate: 0.37 });
  });

  it('keeps the plan when nothing simpler fails, never leaves the safety phase, and stops at runsMax', async () => {
    const plan: FaultPlan = [{ kind: 'crash', atMs: 1960, host: 'a', restartAfterMs: 13 }];
    const tried: FaultPlan[] = [];
    const never = await roundFaultPlan(plan, { stillFails: async (p) => (tried.push(p), false), hosts, durationMs: 2000 });
    expect(never.plan).toEqual(plan);
    // 2000 (the end of the safety phase) is skipped without a run; 1000, 1900, then 10 and 20 are tried.
    expect(tried.map((p) => [p[0]?.atMs, (p[0] as { restartAfterMs: number }).restartAfterMs])).toEqual([
      [1000, 13],
      [1900, 13],
      [1960, 10],
      [1960, 20],
    ]);
    const capped = await roundFaultPlan(plan, { stillFails: async () => false, hosts, durationMs: 2000, runsMax: 1 });
    expect(capped).toEqual({ plan, runs: 1 });
    await expect(roundFaultPlan(plan, { stillFails: async () => true, hosts, durationMs: 2000, runsMax: -1 })).rejects.toThrow('runsMax');
  });
});

describe('roundFaultPlan order', () => {
  it('re-sorts a plan that rounding left out of order only if the sorted plan fails too', async () => {
    const plan: FaultPlan = [
      { kind: 'pause', atMs: 1100, host: 'a', durationMs: 5 },
      { kind: 'pause', atMs: 1370, host: 'b', durationMs: 5 },
    ];
    const aAt = (p: FaultPlan): number | undefined => p.find((f) => f.kind === 'pause' && f.host === 'a')?.atMs;
    // a's pause must stay at 1100 or later; b's rounds to 1000, before it.
    const sortedFails = await roundFaultPlan(plan, { stillFails: async (p) => (aAt(p) ?? 0) >= 1100, hosts, durationMs: 2000 });
    expect(sortedFails.plan.map((f) => [f.kind === 'pause' && f.host, f.atMs])).toEqual([
      ['b', 1000],
      ['a', 1100],
    ]);
    // Now the run "fails" only with a's pause first in the array: the unsorted plan that ran is kept.
    const firstA = async (p: FaultPlan): Promise<boolean> => (aAt(p) ?? 0) >= 1100 && p[0]?.kind === 'pause' && p[0].host === 'a';
    const unsorted = await roundFaultPlan(plan, { stillFails: firstA, hosts, durationMs: 2000 });
    expect(unsorted.plan.map((f) => [f.kind === 'pause' && f.host, f.atMs])).toEqual([
      ['a', 1100],
      ['b', 1000],
    ]);
  });
});
