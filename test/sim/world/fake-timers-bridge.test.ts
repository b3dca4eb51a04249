// Proves third-party code using global timers, Date, performance.now and Math.random runs on virtual time during a run, per host, that a clock fault steps Date but not the monotonic clocks, and that the globals come back afterwards, also when the run throws.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/simulation.js';
import { isBridgeInstalled } from '../../../src/sim/fake-timers-bridge.js';

const EPOCH = Date.UTC(2024, 0, 1);

/** Stands for a library that knows nothing of the simulation. */
function thirdPartyRetry(attempts: number, delayMs: number, log: string[]): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const tick = (): void => {
      n++;
      log.push(`attempt ${n} at ${Date.now() - EPOCH}`);
      if (n === attempts) resolve();
      else setTimeout(tick, delayMs);
    };
    setTimeout(tick, delayMs);
  });
}

function globalsSnapshot() {
  return [setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, Date, Date.now, Math.random, performance.now];
}

describe('fake-timers bridge', () => {
  it('runs global setTimeout, Date.now and performance.now on virtual time, interleaved with the kernel', async () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    sim.host('a', async ({ loop }) => {
      loop.callAt(150, () => log.push(`loop timer at ${loop.now()}`));
      await thirdPartyRetry(3, 100, log);
      log.push(`done at ${new Date().getTime() - EPOCH}, perf ${performance.now()}`);
    });
    const wallStart = globalThis.performance.now();
    await sim.run();
    expect(log).toEqual(['attempt 1 at 100', 'loop timer at 150', 'attempt 2 at 200', 'attempt 3 at 300', 'done at 300, perf 300']);
    expect(globalThis.performance.now() - wallStart).toBeLessThan(5_000);
    expect(isBridgeInstalled()).toBe(false);
  });

  it('gives each host its own clock in Date.now and drops its timers on a crash', async () => {
    const sim = new Simulation({ seed: 2 });
    const seen: string[] = [];
    sim.host('fast', () => {
      setInterval(() => seen.push(`fast ${Date.now() - EPOCH}`), 10);
    }, { offsetMs: 1000 });
    sim.host('plain', () => {
      setTimeout(() => seen.push(`plain ${Date.now() - EPOCH}`), 15);
    });
    await sim.run({ untilMs: 25 });
    sim.crash('fast');
    await sim.run({ untilMs: 100 });
    expect(seen).toEqual(['fast 1010', 'plain 15', 'fast 1020']);
  });

  it('supports setInterval, setImmediate, clearTimeout by handle and by numeric id, refresh and Node coercions', async () => {
    const sim = new Simulation({ seed: 3 });
    const seen: string[] = [];
    sim.host('a', () => {
      const interval = setInterval((tag: string) => {
        seen.push(`${tag} ${performance.now()}`);
        if (performance.now() >= 30) clearInterval(interval);
      }, 10, 'tick');
      const byId = setTimeout(() => seen.push('never'), 5);
      clearTimeout(Number(byId));
      const cleared = setTimeout(() => seen.push('never either'), 5);
      clearTimeout(cleared);
      setTimeout(() => seen.push(`zero delay runs at ${performance.now()}`), 0);
      setImmediate((x: number) => seen.push(`immediate ${x} at ${performance.now()}`), 42);
      const refreshed = setTimeout(() => seen.push(`refreshed at ${performance.now()}`), 8);
      setTimeout(() => refreshed.refresh(), 5);
      expect(refreshed.hasRef()).toBe(true);
      expect(refreshed.unref().hasRef()).toBe(false);
      expect(() => setTimeout('code' as never, 1)).toThrow(`The "callback" argument must be of type function. Received type string ('code')`);
    });
    await sim.run();
    // The immediate waits for the factory's event to end: eventCpuMs (0.01 ms) of host CPU.
    expect(seen).toEqual(['immediate 42 at 0.01', 'zero delay runs at 1', 'tick 10', 'refreshed at 13', 'tick 20', 'tick 30']);
  });

  it('seeds Math.random from the simulation', async () => {
    const draw = async (seed: number): Promise<number[]> => {
      const sim = new Simulation({ seed });
      const values: number[] = [];
      sim.host('a', () => void values.push(Math.random(), Math.random()));
      await sim.run();
      return values;
    };
    expect(await draw(5)).toEqual(await draw(5));
    expect(await draw(5)).not.toEqual(await draw(6));
  });

  it('restores every global after a run that throws', async () => {
    const before = globalsSnapshot();
    const sim = new Simulation({ seed: 4 });
    sim.host('a', () => {
      setTimeout(() => {
        throw new Error('third-party crash');
      }, 50);
    });
    await expect(sim.run()).rejects.toThrow('third-party crash [seed 4, virtual time 50ms, host a#1]');
    expect(globalsSnapshot()).toEqual(before);
    expect(isBridgeInstalled()).toBe(false);
    expect(Math.abs(Date.now() - new Date().getTime())).toBeLessThan(1000);
    expect(Date.now()).toBeGreaterThan(EPOCH + 365 * 24 * 3600 * 1000);
  });

  it('leaves the globals alone between runs and with fakeTimers: false', async () => {
    const before = globalsSnapshot();
    const sim = new Simulation({ seed: 5, fakeTimers: false });
    let sawReal = false;
    sim.host('a', () => {
      sawReal = setTimeout === before[0] && Date.now() > EPOCH + 365 * 24 * 3600 * 1000;
    });
    await sim.run();
    expect(sawReal).toBe(true);
    expect(globalsSnapshot()).toEqual(before);
  });

  it('refuses to run two bridged simulations at once', async () => {
    const one = new Simulation({ seed: 6 });
    const two = new Simulation({ seed: 7 });
    one.host('a', ({ loop }) => void loop.callLater(10, () => {}));
    const first = one.run();
    await expect(two.run()).rejects.toThrow(
      'fake-timers bridge: another simulation run holds the global timers; run one simulation at a time (await the other run first)',
    );
    await first;
    await expect(two.run()).resolves.toMatchObject({ reason: 'idle' });
  });

  it('gives whole milliseconds from Date.now, as Node does, though virtual time is fractional', async () => {
    const sim = new Simulation({ seed: 8 });
    const seen: number[] = [];
    sim.host('a', () => void setTimeout(() => seen.push(Date.now() - EPOCH), 10), { driftPpm: 1000 });
    sim.loop.callLater(0.5, () => seen.push(Date.now() - EPOCH));
    await sim.run();
    expect(seen).toEqual([0, 10]);
  });

  it('fires an interval that refreshes itself in its callback once per period, and clearInterval stops it', async () => {
    const sim = new Simulation({ seed: 9 });
    const at: number[] = [];
    sim.host('a', () => {
      const interval: NodeJS.Timeout = setInterval(() => {
        at.push(sim.now());
        interval.refresh();
        if (at.length === 3) clearInterval(interval);
      }, 10);
    });
    await sim.run({ untilMs: 100 });
    expect(at).toEqual([10, 20, 30]);
  });

  it('steps only the wall clock on a clock fault: Date goes back, performance.now, hrtime and loop.now() do not', async () => {
    const sim = new Simulation({ seed: 10 });
    const seen: Array<[string, number, number, number, number]> = [];
    sim.host('a', ({ loop }) => {
      const sample = (tag: string): void => void seen.push([tag, Date.now() - EPOCH, performance.now(), Number(process.hrtime.bigint() / 1000n) / 1000, loop.now()]);
      loop.callLater(100, () => sample('before'));
      loop.callLater(200, () => sample('after'));
    });
    sim.loop.callLater(150, () => sim.clockJump('a', -1000));
    await sim.run();
    const [before, after] = seen as [[string, number, number, number, number], [string, number, number, number, number]];
    expect(after[1] - before[1]).toBe(-900);
    expect(after[2] - before[2]).toBe(100);
    expect(after[3] - before[3]).toBe(100);
    expect(after[4] - before[4]).toBe(100);
  });

  it('keeps performance.timeOrigin fixed for the process, as Node does: timeOrigin + performance.now() does not follow a clock step', async () => {
    const sim = new Simulation({ seed: 10 });
    const seen: Array<{ origin: number; highRes: number; date: number }> = [];
    sim.host('a', ({ loop }) => {
      const sample = (): void => void seen.push({ origin: performance.timeOrigin, highRes: performance.timeOrigin + performance.now(), date: Date.now() });
      loop.callLater(100, sample);
      loop.callLater(200, sample);
    });
    sim.loop.callLater(150, () => sim.clockJump('a', -1000));
    await sim.run();
    const [before, after] = seen as [{ origin: number; highRes: number; date: number }, { origin: number; highRes: number; date: number }];
    expect(before.origin).toBe(EPOCH);
    expect(after.origin).toBe(before.origin);
    expect(after.highRes - before.highRes).toBe(100);
    expect(after.date - before.date).toBe(-900);
    // A restarted host is a new process: its origin is its wall clock at the restart, steps included.
    sim.restart('a');
    const wallAtRestart = sim.wallNow('a');
    let origin = 0;
    sim.getHost('a').loop.addCallback(() => void (origin = performance.timeOrigin));
    await sim.run();
    expect(origin).toBe(wallAtRestart);
    expect(wallAtRestart).toBe(EPOCH + 200 - 1000);
  });
});
