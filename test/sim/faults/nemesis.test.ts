// Proves the random nemesis and swarm mode are functions of the seed (same seed, same plan), vary across seeds, only ever produce
// valid plans within their options, and draw realistic faults by default (drop and duplicate only on declared lossy links).
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { checkFaultPlan } from '../../../src/sim/fault-plan-check.js';
import { FAULT_KINDS, LOSSY_KINDS, type FaultKind } from '../../../src/sim/fault-plan.js';
import { faultsEndMs } from '../../../src/sim/fault-injector.js';
import { describeSwarm, feasibleKinds, randomFaultPlan, swarmFaultPlan, swarmOptions } from '../../../src/sim/nemesis.js';

const hosts = ['client', 'router', 'worker1', 'worker2'];
/** A scenario that declares the client's outgoing links lossy. */
const lossyLinks = [{ from: ['client'] }];

describe('randomFaultPlan', () => {
  it('gives the same plan for the same seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      const a = randomFaultPlan(new Random(seed), { hosts, durationMs: 10_000 });
      const b = randomFaultPlan(new Random(seed), { hosts, durationMs: 10_000 });
      expect(a).toEqual(b);
    }
  });

  it('varies across seeds and covers every realistic kind; drop and duplicate only with lossy links, and only on them', () => {
    const plans = new Set<string>();
    const kinds = new Set<FaultKind>();
    for (let seed = 0; seed < 100; seed++) {
      const plan = randomFaultPlan(new Random(seed), { hosts, durationMs: 10_000 });
      plans.add(JSON.stringify(plan));
      for (const fault of plan) kinds.add(fault.kind);
    }
    expect(plans.size).toBe(100);
    expect([...kinds].sort()).toEqual(FAULT_KINDS.filter((k) => !LOSSY_KINDS.includes(k)).sort());
    const lossyKinds = new Set<FaultKind>();
    for (let seed = 0; seed < 100; seed++) {
      const plan = randomFaultPlan(new Random(seed), { hosts, durationMs: 10_000, lossyLinks });
      expect(() => checkFaultPlan(plan, hosts, lossyLinks)).not.toThrow();
      for (const fault of plan) lossyKinds.add(fault.kind);
      for (const fault of plan) if (fault.kind === 'drop' || fault.kind === 'duplicate') expect(fault).toMatchObject({ from: ['client'] });
    }
    expect([...lossyKinds].sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('produces valid plans, sorted, within the duration and the fault count bounds', () => {
    for (let seed = 0; seed < 300; seed++) {
      const plan = randomFaultPlan(new Random(seed), { hosts, durationMs: 2000, faultsMin: 2, faultsMax: 5, dropRateMax: 0.2 });
      expect(() => checkFaultPlan(plan, hosts)).not.toThrow();
      expect(plan.length).toBeGreaterThanOrEqual(2);
      expect(plan.length).toBeLessThanOrEqual(5);
      expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((x, y) => x - y));
      expect(faultsEndMs(plan)).toBeLessThanOrEqual(2000);
      for (const fault of plan) if (fault.kind === 'drop') expect(fault.rate).toBeLessThanOrEqual(0.2);
    }
  });

  it('draws only the kinds asked for, by weight', () => {
    const counts: Record<string, number> = {};
    for (let seed = 0; seed < 200; seed++) {
      for (const fault of randomFaultPlan(new Random(seed), { hosts, durationMs: 1000, kinds: ['crash', 'drop'], weights: { crash: 3, drop: 1 }, lossyLinks })) {
        counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
      }
    }
    expect(Object.keys(counts).sort()).toEqual(['crash', 'drop']);
    expect(counts.crash as number).toBeGreaterThan(2 * (counts.drop as number));
  });

  it('never draws a partition, disconnect or hold with one host, nor drop or duplicate without lossy links, and says why when asked to', () => {
    expect(feasibleKinds(['solo'])).toEqual(['crash', 'pause', 'clockJump', 'latency']);
    expect(feasibleKinds(['solo'], [{}])).toEqual(['crash', 'pause', 'clockJump', 'latency', 'drop', 'duplicate']);
    expect(() => randomFaultPlan(new Random(1), { hosts, durationMs: 100, kinds: ['duplicate'] })).toThrow(
      'kinds[0]: expected a kind the links allow (drop and duplicate need lossyLinks), got "duplicate"',
    );
    for (let seed = 0; seed < 50; seed++) {
      expect(() => checkFaultPlan(randomFaultPlan(new Random(seed), { hosts: ['solo'], durationMs: 100 }), ['solo'])).not.toThrow();
    }
    expect(() => randomFaultPlan(new Random(1), { hosts: ['solo'], durationMs: 100, kinds: ['hold'] })).toThrow(
      'kinds[0]: expected a kind possible with one host, got "hold"',
    );
  });

  it('rejects bad options with messages naming them', () => {
    const random = new Random(1);
    expect(() => randomFaultPlan(random, { hosts: [], durationMs: 100 })).toThrow('hosts: expected a non-empty array of host names, got array of length 0');
    expect(() => randomFaultPlan(random, { hosts, durationMs: 0 })).toThrow('durationMs: expected an integer >= 1, got 0');
    expect(() => randomFaultPlan(random, { hosts, durationMs: 100, faultsMin: 3, faultsMax: 2 })).toThrow('faultsMax: expected an integer in [3, 10000], got 2');
    expect(() => randomFaultPlan(random, { hosts, durationMs: 100, dropRateMax: 2 })).toThrow('dropRateMax: expected a number in [0, 1], got 2');
    expect(() => randomFaultPlan(random, { hosts, durationMs: 100, kinds: ['meteor' as FaultKind] })).toThrow('kinds[0]: expected one of');
    expect(() => randomFaultPlan(random, { hosts, durationMs: 100, faultMax: 3 } as never)).toThrow('nemesis options: unknown option "faultMax"');
  });
});

describe('swarm mode', () => {
  it('draws the same options and plan for the same seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      expect(swarmOptions(new Random(seed), hosts, 5000)).toEqual(swarmOptions(new Random(seed), hosts, 5000));
      expect(swarmFaultPlan(new Random(seed), hosts, 5000)).toEqual(swarmFaultPlan(new Random(seed), hosts, 5000));
    }
  });

  it('picks a non-empty subset of kinds that varies across seeds, and plans only use those kinds', () => {
    const subsets = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const { options, plan } = swarmFaultPlan(new Random(seed), hosts, 5000);
      const kinds = options.kinds as FaultKind[];
      expect(kinds.length).toBeGreaterThan(0);
      subsets.add(kinds.join(','));
      for (const fault of plan) expect(kinds).toContain(fault.kind);
      for (const fault of plan) expect(LOSSY_KINDS).not.toContain(fault.kind);
      expect(() => checkFaultPlan(plan, hosts)).not.toThrow();
    }
    expect(subsets.size).toBeGreaterThan(50);
  });

  it('describes the chosen options on one line', () => {
    const line = describeSwarm({ hosts, durationMs: 5000, kinds: ['partition', 'drop'], lossyLinks, weights: { partition: 3, drop: 1 }, faultsMax: 7, windowMsMin: 10, windowMsMax: 800, dropRateMax: 0.42 });
    expect(line).toBe('swarm: kinds=partition:3,drop:1 faults=1..7 windows=10..800ms lossy=client->* drop<=0.42 oneWay=0.3 over 5000ms on 4 hosts');
    for (let seed = 0; seed < 20; seed++) expect(describeSwarm(swarmOptions(new Random(seed), hosts, 5000))).toMatch(/^swarm: kinds=\S+ faults=1\.\.\d+ [^\n]*over 5000ms on 4 hosts$/);
  });
});
