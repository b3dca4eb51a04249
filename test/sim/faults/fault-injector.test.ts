// Proves applyFaultPlan composes overlapping windows (a window ending never cancels one still open), keeps base conditions, refcounts holds and crashes, records start/end in the trace, and healAll ends everything at once.
import { describe, expect, it } from 'vitest';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { Trace } from '../../../src/sim/trace.js';
import { LinkTable } from '../../../src/sim/network/link-conditions.js';
import { applyFaultPlan, faultsEndMs, healAll, NEMESIS_OWNER, type FaultTarget } from '../../../src/sim/fault-injector.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';

/** These tests compose per-message faults, which need links declared lossy: here every link. */
const lossyLinks = [{}];

/** A FaultTarget on a real kernel and the network's real link table; host actions are logged. */
function world(hostNames = ['a', 'b', 'c']) {
  const kernel = new SimKernel();
  const links = new LinkTable();
  const trace = new Trace({ keepAll: true });
  const log: string[] = [];
  const hosts = new Map(hostNames.map((h) => [h, { alive: true }]));
  const target: FaultTarget = {
    kernel,
    trace,
    hosts,
    network: {
      setLinkConditions: (conditions, scope) => links.setConditions(conditions, scope),
      clearLinkConditions: () => links.clearConditions(),
      partition: (sideA, sideB, options) => links.partition(sideA, sideB, options?.oneWay ?? false),
      repair: () => links.repair(),
      setPartitions: (partitions) => links.setPartitions(partitions.map((p) => ({ ...p, oneWay: p.oneWay ?? false }))),
      disconnect: (sideA, sideB) => log.push(`${kernel.now()} disconnect ${sideA.join(',')}|${sideB.join(',')}`),
      hold: (from, to) => log.push(`${kernel.now()} hold ${from}->${to}`),
      release: (from, to) => log.push(`${kernel.now()} release ${from}->${to}`),
    },
    crash: (h) => {
      (hosts.get(h) as { alive: boolean }).alive = false;
      log.push(`${kernel.now()} crash ${h}`);
    },
    restart: (h) => {
      (hosts.get(h) as { alive: boolean }).alive = true;
      log.push(`${kernel.now()} restart ${h}`);
    },
    pause: (h, ms) => log.push(`${kernel.now()} pause ${h} ${ms}ms`),
    clockJump: (h, ms) => log.push(`${kernel.now()} clockJump ${h} ${ms}ms`),
  };
  const link = (from: string, to: string) => links.current(links.link(from, to));
  const at = async (tMs: number) => kernel.run({ untilMs: tMs });
  const faultEvents = () =>
    trace
      .kept()
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.kind === 'fault')
      .map((e) => `${e.tMs} ${e.fault as string} ${e.phase as string}${e.healed ? ' healed' : ''}${e.skipped ? ` skipped (${e.skipped as string})` : ''}`);
  return { kernel, target, log, link, at, faultEvents, trace };
}

describe('applyFaultPlan', () => {
  it('overlapping drop windows combine as independent losses; the first ending leaves the second in force', async () => {
    const w = world();
    applyFaultPlan(w.target, [
      { kind: 'drop', atMs: 100, durationMs: 200, rate: 0.5 },
      { kind: 'drop', atMs: 200, durationMs: 200, rate: 0.9 },
    ], { lossyLinks });
    const rates: number[] = [];
    for (const t of [50, 150, 250, 350, 450]) {
      await w.at(t);
      rates.push(w.link('a', 'b').dropRate);
    }
    // While both are open a message survives neither with probability 0.5 * 0.1: dropped at 0.95.
    expect(rates).toEqual([0, 0.5, 0.95, 0.9, 0]);
    expect(w.faultEvents()).toEqual(['100 drop start', '200 drop start', '300 drop end', '400 drop end']);
  });

  it('composes latency, drop and duplicate over different scopes and restores the base conditions', async () => {
    const w = world();
    const base = [{ conditions: { latencyMs: { min: 5, max: 5 } } }, { conditions: { dropRate: 0.01 }, scope: { to: 'c' } }];
    applyFaultPlan(
      w.target,
      [
        { kind: 'latency', atMs: 100, durationMs: 300, minMs: 50, maxMs: 60 },
        { kind: 'drop', atMs: 150, durationMs: 100, rate: 0.3, from: ['a'] },
        { kind: 'duplicate', atMs: 200, durationMs: 300, rate: 0.2, to: ['b', 'c'] },
      ],
      { base, lossyLinks },
    );
    const state = (from: string, to: string) => {
      const l = w.link(from, to);
      return `${l.latencyMin}+${l.latencySpan} drop=${l.dropRate} dup=${l.duplicateRate}`;
    };
    await w.at(0);
    expect([state('a', 'b'), state('a', 'c')]).toEqual(['5+0 drop=0 dup=0', '5+0 drop=0.01 dup=0']);
    await w.at(220);
    expect([state('a', 'b'), state('b', 'a'), state('b', 'c')]).toEqual(['50+10 drop=0.3 dup=0.2', '50+10 drop=0 dup=0', '50+10 drop=0.01 dup=0.2']);
    // a -> c has the base's 0.01 to c and the window's 0.3 from a: 1 - 0.99 * 0.7.
    expect(w.link('a', 'c').dropRate).toBeCloseTo(0.307, 12);
    await w.at(300);
    expect([state('a', 'b'), state('b', 'c')]).toEqual(['50+10 drop=0 dup=0.2', '50+10 drop=0.01 dup=0.2']);
    await w.at(450);
    expect([state('a', 'b'), state('b', 'c')]).toEqual(['5+0 drop=0 dup=0.2', '5+0 drop=0.01 dup=0.2']);
    await w.at(600);
    expect([state('a', 'b'), state('a', 'c'), state('a', 'a')]).toEqual(['5+0 drop=0 dup=0', '5+0 drop=0.01 dup=0', '0.125+0 drop=0 dup=0']);
  });

  it('a weaker window never overrides a stronger one it overlaps, whatever their order or scope', async () => {
    const w = world();
    applyFaultPlan(w.target, [
      { kind: 'drop', atMs: 100, durationMs: 300, rate: 0.9, from: ['a'] },
      { kind: 'drop', atMs: 200, durationMs: 100, rate: 0.01 },
      { kind: 'latency', atMs: 100, durationMs: 300, minMs: 200, maxMs: 300, to: ['b'] },
      { kind: 'latency', atMs: 200, durationMs: 100, minMs: 10, maxMs: 400 },
    ], { lossyLinks });
    await w.at(250);
    const ab = w.link('a', 'b');
    expect(ab.dropRate).toBeCloseTo(1 - 0.1 * 0.99, 12);
    expect([ab.latencyMin, ab.latencySpan]).toEqual([200, 200]);
    // c -> a sees only the global windows.
    expect(w.link('c', 'a').dropRate).toBe(0.01);
    expect([w.link('c', 'a').latencyMin, w.link('c', 'a').latencySpan]).toEqual([10, 390]);
    await w.at(350);
    expect(w.link('a', 'b').dropRate).toBe(0.9);
    expect([w.link('a', 'b').latencyMin, w.link('a', 'b').latencySpan]).toEqual([200, 100]);
  });

  it('overlapping partitions: ending one keeps the other, one-way only cuts one direction', async () => {
    const w = world();
    applyFaultPlan(w.target, [
      { kind: 'partition', atMs: 100, durationMs: 200, sideA: ['a'], sideB: ['b'] },
      { kind: 'partition', atMs: 200, durationMs: 200, sideA: ['a'], sideB: ['c'], oneWay: true },
    ]);
    const cut = () => ['a->b', 'b->a', 'a->c', 'c->a'].filter((l) => w.link(l[0] as string, l[3] as string).partitioned);
    await w.at(150);
    expect(cut()).toEqual(['a->b', 'b->a']);
    await w.at(250);
    expect(cut()).toEqual(['a->b', 'b->a', 'a->c']);
    await w.at(350);
    expect(cut()).toEqual(['a->c']);
    await w.at(450);
    expect(cut()).toEqual([]);
  });

  it('holds and crashes on one target count their windows: released or restarted when the last closes', async () => {
    const w = world();
    applyFaultPlan(w.target, [
      { kind: 'hold', atMs: 10, durationMs: 100, from: 'a', to: 'b' },
      { kind: 'hold', atMs: 50, durationMs: 100, from: 'a', to: 'b' },
      { kind: 'crash', atMs: 20, host: 'c', restartAfterMs: 50 },
      { kind: 'crash', atMs: 40, host: 'c', restartAfterMs: 100 },
      { kind: 'crash', atMs: 200, host: 'b', restartAfterMs: 0 },
    ]);
    await w.at(1000);
    expect(w.log).toEqual(['10 hold a->b', '20 crash c', '140 restart c', '150 release a->b', '200 crash b', '200 restart b']);
  });

  it('pauses and clock jumps act at their time; a pause or crash of a host already down is skipped and says so', async () => {
    const w = world();
    applyFaultPlan(w.target, [
      { kind: 'pause', atMs: 5, host: 'a', durationMs: 30 },
      { kind: 'clockJump', atMs: 7, host: 'b', deltaMs: -1000 },
      { kind: 'crash', atMs: 10, host: 'c' },
      { kind: 'pause', atMs: 20, host: 'c', durationMs: 5 },
      { kind: 'crash', atMs: 30, host: 'c', restartAfterMs: 5 },
    ]);
    await w.at(100);
    expect(w.log).toEqual(['5 pause a 30ms', '7 clockJump b -1000ms', '10 crash c']);
    expect(w.faultEvents()).toEqual([
      '5 pause start',
      '7 clockJump start',
      '10 crash start',
      '20 pause start skipped (host down)',
      '25 pause end',
      '30 crash start skipped (host down)',
      '35 pause end',
      '35 crash end',
    ]);
  });

  it('records fault fields in the trace and schedules on an owner no host crash removes', async () => {
    const w = world();
    applyFaultPlan(w.target, [{ kind: 'partition', atMs: 100, durationMs: 50, sideA: ['a'], sideB: ['b', 'c'] }]);
    // A crash drops the host's tasks by owner; the nemesis owns its own.
    expect(w.kernel.removeWhere((task) => task.owner !== NEMESIS_OWNER)).toBe(0);
    expect(w.kernel.pending).toBe(2);
    await w.at(200);
    expect(w.trace.kept().map((l) => JSON.parse(l) as unknown)).toEqual([
      { tMs: 100, kind: 'fault', fault: 'partition', phase: 'start', index: 0, durationMs: 50, sideA: ['a'], sideB: ['b', 'c'] },
      { tMs: 150, kind: 'fault', fault: 'partition', phase: 'end', index: 0, durationMs: 50, sideA: ['a'], sideB: ['b', 'c'] },
    ]);
  });

  it('at one virtual time an earlier fault ends before a later one starts', async () => {
    const w = world();
    applyFaultPlan(w.target, [
      { kind: 'drop', atMs: 0, durationMs: 100, rate: 1 },
      { kind: 'drop', atMs: 100, durationMs: 100, rate: 0.25 },
    ], { lossyLinks });
    await w.at(100);
    expect(w.link('a', 'b').dropRate).toBe(0.25);
    expect(w.faultEvents()).toEqual(['0 drop start', '100 drop end', '100 drop start']);
  });

  it('healAll ends every window now, restarts crashed hosts, drops later faults and keeps the base', async () => {
    const w = world();
    const plan: FaultPlan = [
      { kind: 'drop', atMs: 10, durationMs: 1000, rate: 1 },
      { kind: 'partition', atMs: 20, durationMs: 1000, sideA: ['a'], sideB: ['b'] },
      { kind: 'hold', atMs: 30, durationMs: 1000, from: 'b', to: 'c' },
      { kind: 'crash', atMs: 40, host: 'c' },
      { kind: 'pause', atMs: 50, host: 'a', durationMs: 100 },
      { kind: 'crash', atMs: 500, host: 'a', restartAfterMs: 10 },
    ];
    applyFaultPlan(w.target, plan, { base: [{ conditions: { duplicateRate: 0.1 } }], lossyLinks });
    await w.at(60);
    healAll(w.target);
    expect(w.link('a', 'b')).toMatchObject({ dropRate: 0, partitioned: false, duplicateRate: 0.1 });
    await w.at(5000);
    expect(w.log).toEqual(['30 hold b->c', '40 crash c', '50 pause a 100ms', '60 release b->c', '60 restart c']);
    expect(w.faultEvents()).toEqual([
      '10 drop start',
      '20 partition start',
      '30 hold start',
      '40 crash start',
      '50 pause start',
      '60 drop end healed',
      '60 partition end healed',
      '60 hold end healed',
      '60 crash end healed',
      '150 pause end',
    ]);
    expect(w.kernel.pending).toBe(0);
  });

  it('healAll leaves link conditions alone when the plan never touched them', async () => {
    const w = world();
    w.target.network.setLinkConditions({ latencyMs: { min: 7, max: 7 } });
    applyFaultPlan(w.target, [{ kind: 'crash', atMs: 1, host: 'a', restartAfterMs: 1000 }]);
    await w.at(5);
    healAll(w.target);
    expect(w.link('a', 'b').latencyMin).toBe(7);
    expect(w.log).toEqual(['1 crash a', '5 restart a']);
  });

  it('validates the plan against the hosts before scheduling anything', () => {
    const w = world();
    expect(() => applyFaultPlan(w.target, [{ kind: 'crash', atMs: 0, host: 'zed' }], { hosts: ['a', 'b'] })).toThrow(
      'faults[0].host: expected one of "a", "b", got "zed"',
    );
    expect(() => applyFaultPlan(w.target, [{ kind: 'drop', atMs: 0, durationMs: 5, rate: 3 }])).toThrow('faults[0].rate: expected a number in [0, 1], got 3');
    // A well-formed drop on links nobody declared lossy: tcp never loses single messages.
    expect(() => applyFaultPlan(w.target, [{ kind: 'drop', atMs: 0, durationMs: 5, rate: 0.5, from: ['a'] }], { hosts: ['a', 'b'] })).toThrow(
      "faults[0]: a drop fault on links not declared lossy (a -> b): ZeroMQ over tcp or ipc never loses a single message on a live connection",
    );
    expect(() => applyFaultPlan(w.target, [{ kind: 'duplicate', atMs: 0, durationMs: 5, rate: 0.5 }], { hosts: ['a', 'b', 'c'], lossyLinks: [{ from: ['a'] }] })).toThrow(
      'faults[0]: a duplicate fault on links not declared lossy (b -> a, b -> c, c -> a, c -> b)',
    );
    expect(w.kernel.pending).toBe(0);
    expect(() => applyFaultPlan(w.target, [{ kind: 'duplicate', atMs: 0, durationMs: 5, rate: 0.5, from: ['a'] }], { hosts: ['a', 'b', 'c'], lossyLinks: [{ from: ['a'] }] })).not.toThrow();
  });
});

describe('faultsEndMs', () => {
  it('is when the last window closes (instant faults count at their time)', () => {
    expect(faultsEndMs([])).toBe(0);
    expect(
      faultsEndMs([
        { kind: 'partition', atMs: 100, durationMs: 300, sideA: ['a'], sideB: ['b'] },
        { kind: 'crash', atMs: 50, host: 'a', restartAfterMs: 500 },
        { kind: 'clockJump', atMs: 700, host: 'a', deltaMs: 5 },
      ]),
    ).toBe(700);
    expect(faultsEndMs([{ kind: 'crash', atMs: 50, host: 'a', restartAfterMs: 500 }, { kind: 'crash', atMs: 60, host: 'b' }])).toBe(550);
  });
});
