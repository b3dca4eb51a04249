// Proves host lifecycle and clocks: crash drops timers and state and silences the dead incarnation, restart re-runs the factory on fresh ports, pause defers events like a GC pause, each host has a monotonic loop clock (offset, drift) and a wall clock that clock faults step.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/simulation.js';

describe('hosts', () => {
  it('runs the factory as the host first event and exposes its awaited state', async () => {
    const sim = new Simulation({ seed: 1 });
    sim.record('before run');
    const host = sim.host('db', async ({ name, incarnation, loop }) => {
      await Promise.resolve();
      return { name, incarnation, startedAt: loop.now() };
    });
    expect(host.state).toBeUndefined();
    expect(host.alive).toBe(true);
    await sim.run();
    expect(host.state).toEqual({ name: 'db', incarnation: 1, startedAt: 0 });
    expect(host.started).toBe(true);
    expect(sim.getHost('db')).toBe(host);
  });

  it('crash drops timers and state; the dead incarnation can schedule nothing; restart re-runs the factory', async () => {
    const sim = new Simulation({ seed: 2 });
    const fired: string[] = [];
    let starts = 0;
    const host = sim.host('svc', ({ loop, incarnation }) => {
      starts++;
      const counter = { ticks: 0 };
      const tick = (): void => {
        counter.ticks++;
        fired.push(`#${incarnation} tick at ${loop.now()}`);
        loop.callLater(10, tick);
      };
      loop.callLater(10, tick);
      // Work that resumes after a crash: a dead process must not act.
      void (async () => {
        await new Promise<void>((resolve) => loop.callLater(35, resolve));
        fired.push('never: resumed after crash');
      })();
      return counter;
    });
    await sim.run({ untilMs: 25 });
    expect(host.state).toEqual({ ticks: 2 });
    const deadLoop = host.loop;
    sim.crash('svc');
    expect(host.alive).toBe(false);
    expect(host.state).toBeUndefined();
    deadLoop.callLater(1, () => fired.push('never: dead loop'));
    await sim.run({ untilMs: 50 });
    expect(fired).toEqual(['#1 tick at 10', '#1 tick at 20']);
    sim.restart('svc');
    expect(host.incarnation).toBe(2);
    await sim.run({ untilMs: 75 });
    expect(starts).toBe(2);
    expect(fired.slice(2)).toEqual(['#2 tick at 60', '#2 tick at 70']);
    expect(host.state).toEqual({ ticks: 2 });
    expect(sim.trace.kept().map((l) => JSON.parse(l) as { kind: string; tMs: number }).filter((e) => e.kind !== 'steps').map((e) => `${e.kind}@${e.tMs}`)).toEqual([
      'start@0',
      'crash@25',
      'restart@50',
      'start@50',
    ]);
  });

  it('gives each incarnation its own random stream, forked from the seed', async () => {
    const draws: number[][] = [];
    const sim = new Simulation({ seed: 3 });
    sim.host('a', ({ random }) => void draws.push([random.int(0, 1e9), random.int(0, 1e9)]));
    await sim.run();
    sim.restart('a');
    await sim.run();
    const again = new Simulation({ seed: 3 });
    again.host('a', ({ random }) => void draws.push([random.int(0, 1e9), random.int(0, 1e9)]));
    await again.run();
    expect(draws[0]).not.toEqual(draws[1]);
    expect(draws[2]).toEqual(draws[0]);
  });

  it('pause defers the host events until it ends, keeps their order and their handles cancellable', async () => {
    const sim = new Simulation({ seed: 4 });
    const seen: string[] = [];
    sim.host('gc', ({ loop }) => {
      const cancelled = loop.callAt(20, () => seen.push('never: cancelled during pause'));
      loop.callAt(10, () => {
        seen.push(`gc a ${loop.now()}`);
        loop.cancel(cancelled); // its handle predates the pause that requeued it
      });
      loop.callAt(30, () => seen.push(`gc b ${loop.now()}`));
      loop.callAt(80, () => seen.push(`gc c ${loop.now()}`));
    });
    sim.host('other', ({ loop }) => {
      loop.callAt(20, () => seen.push(`other ${loop.now()}`));
    });
    await sim.run({ untilMs: 5 });
    sim.pause('gc', 45);
    await sim.run();
    // After the pause the host's events run one after the other, each eventCpuMs (0.01 ms) of CPU.
    expect(seen).toEqual(['other 20', 'gc a 50', 'gc b 50.01', 'gc c 80']);
  });

  it('gives each host a monotonic loop clock (offset, drift, never a jump) and a wall clock that clock faults step, both continuous across a restart', async () => {
    const sim = new Simulation({ seed: 5, epochMs: Date.UTC(2030, 5, 1) });
    const skewed = sim.host('skewed', () => {}, { offsetMs: 500, driftPpm: 1000 });
    const plain = sim.host('plain', () => {});
    await sim.run({ untilMs: 1000 });
    expect(plain.loop.now()).toBe(1000);
    expect(skewed.loop.now()).toBeCloseTo(500 + 1000 * 1.001, 9);
    expect(plain.wallNow()).toBe(Date.UTC(2030, 5, 1) + 1000);
    // An NTP step backwards moves the wall clock only: the loop clock and its timers are untouched.
    sim.clockJump('skewed', -200);
    expect(skewed.loop.now()).toBeCloseTo(1501, 9);
    expect(skewed.wallNow() - Date.UTC(2030, 5, 1)).toBeCloseTo(1301, 6);
    expect(sim.wallNow('skewed')).toBe(skewed.wallNow());
    sim.setDrift('skewed', 0);
    await sim.run({ untilMs: 2000 });
    expect(skewed.loop.now()).toBeCloseTo(2501, 9);
    sim.crash('skewed');
    sim.restart('skewed');
    expect(skewed.loop.now()).toBeCloseTo(2501, 9);
    expect(skewed.wallNow() - Date.UTC(2030, 5, 1)).toBeCloseTo(2301, 6);
    // A timer measures its delay on the host clock: 1000ms on a clock running 0.1% fast is 999ms of virtual time.
    sim.setDrift('skewed', 1000);
    let firedAt = 0;
    skewed.loop.callLater(1000, () => (firedAt = sim.now()));
    await sim.run();
    expect(firedAt).toBeCloseTo(2000 + 1000 / 1.001, 6);
    expect(() => sim.setDrift('skewed', -1e6)).toThrow('driftPpm: expected a number in [-500000, 500000], got -1000000');
  });

  it('charges each host event its eventCpuMs (simulation default 0.01, per host option), so a busy host lets time pass and others run alongside', async () => {
    const sim = new Simulation({ seed: 6 });
    const polls = new Map<string, number[]>();
    const poller = (name: string) => ({ loop }: { loop: { now(): number; addCallback(cb: () => void): unknown } }) => {
      const at: number[] = [];
      polls.set(name, at);
      const poll = (): void => {
        at.push(loop.now());
        if (at.length < 4) loop.addCallback(poll);
      };
      loop.addCallback(poll);
    };
    sim.host('default', poller('default'));
    sim.host('slow', poller('slow'), { eventCpuMs: 2 });
    sim.host('free', poller('free'), { eventCpuMs: 0 });
    await sim.run();
    // The factory is the first event: the first poll waits for it too.
    expect(polls.get('default')?.map((t) => Number(t.toFixed(6)))).toEqual([0.01, 0.02, 0.03, 0.04]);
    expect(polls.get('slow')).toEqual([2, 4, 6, 8]);
    expect(polls.get('free')).toEqual([0, 0, 0, 0]);
    expect(() => sim.host('bad', () => {}, { eventCpuMs: -1 })).toThrow('eventCpuMs: expected a finite number >= 0, got -1');
    expect(() => new Simulation({ seed: 1, eventCpuMs: Number.NaN })).toThrow('eventCpuMs: expected a number, got NaN');
  });

  it('with eventCpuMs: 0 a self-rescheduling callback freezes virtual time, and the step budget stops the run', async () => {
    const sim = new Simulation({ seed: 7, eventCpuMs: 0 });
    sim.host('spin', ({ loop }) => {
      const spin = (): void => void loop.addCallback(spin);
      spin();
      loop.callLater(5, () => sim.record('never starved'));
    });
    await expect(sim.run({ stepsMax: 1_000 })).rejects.toThrow('step budget stepsMax=1000 exhausted at virtual time 0ms');
  });
});
