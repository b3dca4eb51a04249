// Proves a Simulation run is microtask-correct and fails loudly and precisely: thrown errors and unhandled rejections annotated with seed, time and host, the step budget, bad input.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/simulation.js';
import { StepBudgetError } from '../../../src/sim/sim-kernel.js';

describe('Simulation runs', () => {
  it('completes an async chain 100 awaits deep before the next timer due at the same virtual time', async () => {
    const sim = new Simulation({ seed: 1 });
    const order: string[] = [];
    sim.host('a', ({ loop }) => {
      loop.callAt(10, () => {
        void (async () => {
          for (let i = 0; i < 100; i++) await Promise.resolve(i);
          order.push(`chain done at ${loop.now()}`);
        })();
      });
      loop.callAt(10, () => order.push(`second timer at ${loop.now()}`));
    });
    const summary = await sim.run();
    // The second timer waits for the host's CPU (eventCpuMs 0.01 ms), but the chain is done before it either way.
    expect(order).toEqual(['chain done at 10', 'second timer at 10.01']);
    expect(summary).toMatchObject({ reason: 'idle', nowMs: 10.01, steps: 3 });
  });

  it('fails the run with an error thrown by a host callback, annotated with seed, virtual time and host', async () => {
    const sim = new Simulation({ seed: 7 });
    class Boom extends Error {}
    sim.host('worker', ({ loop }) => {
      loop.callLater(25, () => {
        throw new Boom('disk on fire');
      });
    });
    const error = await sim.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Boom);
    expect((error as Error).message).toBe('disk on fire [seed 7, virtual time 25ms, host worker#1]');
    // The stack names the place once, whether or not anyone read it before.
    expect((error as Error).stack?.split('\n')[0]).toBe('Error: disk on fire [seed 7, virtual time 25ms, host worker#1]');
    expect(sim.failure).toBe(error);
    // A failed simulation stays failed.
    await expect(sim.run()).rejects.toBe(error);
  });

  it('fails the run with an unhandled rejection and removes its listener afterwards', async () => {
    const before = process.listeners('unhandledRejection');
    const sim = new Simulation({ seed: 8 });
    const after: number[] = [];
    sim.host('a', ({ loop }) => {
      loop.callLater(5, () => {
        void Promise.reject(new Error('nobody listens'));
      });
      loop.callLater(6, () => after.push(loop.now()));
    });
    await expect(sim.run()).rejects.toThrow('nobody listens [seed 8, virtual time 5ms, host a#1]');
    expect(after).toEqual([]);
    expect(process.listeners('unhandledRejection')).toEqual(before);
  });

  it('fails the run when an async host factory rejects', async () => {
    const sim = new Simulation({ seed: 9 });
    sim.host('a', async () => {
      await Promise.resolve();
      throw new Error('cannot start');
    });
    await expect(sim.run()).rejects.toThrow('cannot start [seed 9, virtual time 0ms, host a#1]');
  });

  it('stops a run past its step budget with a StepBudgetError naming the budget', async () => {
    const sim = new Simulation({ seed: 3, stepsMax: 100 });
    sim.host('spinner', ({ loop }) => {
      const spin = (): void => void loop.callLater(1, spin);
      spin();
    });
    const error = await sim.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepBudgetError);
    expect((error as Error).message).toBe(
      'simulation stopped: step budget stepsMax=100 exhausted at virtual time 99ms (raise stepsMax or look for a busy loop) [seed 3, virtual time 99ms, host spinner#1]',
    );
  });

  it('runs forMs and untilMs and steps one event at a time', async () => {
    const sim = new Simulation({ seed: 4 });
    const seen: number[] = [];
    sim.host('a', ({ loop }) => {
      for (const t of [10, 20, 30]) loop.callAt(t, () => seen.push(t));
    });
    expect(await sim.step()).toBe(true); // the factory
    expect(await sim.step()).toBe(true);
    expect(seen).toEqual([10]);
    await sim.run({ forMs: 5 });
    expect(sim.now()).toBe(15);
    await sim.run({ untilMs: 25 });
    expect(seen).toEqual([10, 20]);
    await sim.run();
    expect(seen).toEqual([10, 20, 30]);
    expect(await sim.step()).toBe(false);
  });

  it('rejects bad limits without failing the simulation', async () => {
    const sim = new Simulation({ seed: 5 });
    await expect(sim.run({ forMs: -1 })).rejects.toThrow('forMs: expected a finite number >= 0, got -1');
    expect(sim.failure).toBeUndefined();
    await expect(sim.run()).resolves.toMatchObject({ reason: 'idle' });
  });

  it('refuses a second concurrent run of the same simulation', async () => {
    const sim = new Simulation({ seed: 6 });
    sim.host('a', ({ loop }) => void loop.callLater(10, () => {}));
    const first = sim.run();
    await expect(sim.run()).rejects.toThrow('Simulation.run: a run is already in progress (await it before starting another)');
    await first;
  });

  it('gives clear messages for bad input', () => {
    expect(() => new Simulation({ seed: 1.5 })).toThrow('seed: expected an integer, got 1.5');
    expect(() => new Simulation({ seed: -1 })).toThrow('seed: expected an integer in [0, 9007199254740991], got -1');
    expect(() => new Simulation({ seed: 'x' as unknown as number })).toThrow('seed: expected a number, got "x"');
    expect(() => new Simulation({ seed: 1, sed: 2 } as never)).toThrow(
      'Simulation options: unknown option "sed" (known: seed, trace, logSink, logLevel, stepsMax, fakeTimers, epochMs, traceEvents, eventCpuMs, hazards)',
    );
    const sim = new Simulation({ seed: 1 });
    sim.host('a', () => {});
    sim.host('b', () => {});
    expect(() => sim.host('a', () => {})).toThrow('sim.host: a host named "a" already exists');
    expect(() => sim.host('', () => {})).toThrow('host name: expected a non-empty string, got ""');
    expect(() => sim.host('c', 'nope' as never)).toThrow('factory: expected a function, got "nope"');
    expect(() => sim.crash('zz')).toThrow('sim.crash: unknown host "zz" (hosts: a, b)');
    expect(() => sim.restart('zz')).toThrow('sim.restart: unknown host "zz" (hosts: a, b)');
    expect(() => sim.pause('a', -5)).toThrow('ms: expected a finite number >= 0, got -5');
    expect(() => sim.clockJump('a', Number.NaN)).toThrow('deltaMs: expected a number, got NaN');
    sim.crash('a');
    expect(() => sim.crash('a')).toThrow('sim.crash: host "a" is already down');
    expect(() => sim.pause('a', 5)).toThrow('sim.pause: host "a" is down');
  });

  it('writes host log lines with virtual time and host to the sink', async () => {
    const lines: string[] = [];
    const sim = new Simulation({ seed: 2, logSink: (line) => lines.push(line), logLevel: 'debug' });
    sim.host('a', ({ loop, logger }) => {
      loop.callLater(12, () => logger.child({ component: 'x' }).info({ n: 1 }, 'hello'));
      logger.trace('not written');
      logger.debug('started');
    });
    await sim.run();
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { level: 20, time: 0, host: 'a', incarnation: 1, msg: 'started' },
      { level: 30, time: 12, host: 'a', incarnation: 1, component: 'x', n: 1, msg: 'hello' },
    ]);
  });

  it('leaves no unhandledRejection listener behind when two simulations run at once, whatever order they end in', async () => {
    const before = process.listeners('unhandledRejection');
    const early = new Simulation({ seed: 10, fakeTimers: false });
    const late = new Simulation({ seed: 11, fakeTimers: false });
    early.loop.callLater(10, () => {});
    late.loop.callLater(20, () => {});
    const first = late.run();
    const second = early.run();
    await Promise.all([first, second]);
    expect(process.listeners('unhandledRejection')).toEqual(before);
  });
});
