// Proves the kernel runs events in (deadline, insertion) order, drains every microtask between events, and enforces its limits.
import { describe, expect, it } from 'vitest';
import { SimKernel, StepBudgetError } from '../../../src/sim/sim-kernel.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';

describe('SimKernel', () => {
  it('completes an async chain 100 awaits deep before the next timer due at the same virtual time', async () => {
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    const order: string[] = [];
    loop.callAt(10, () => {
      void (async () => {
        for (let i = 0; i < 100; i++) await Promise.resolve(i);
        order.push('chain done');
      })();
    });
    loop.callAt(10, () => order.push('second timer'));
    await kernel.run();
    expect(order).toEqual(['chain done', 'second timer']);
  });

  it('does not advance virtual time until microtasks of the current event are done', async () => {
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    const seen: number[] = [];
    loop.callAt(5, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => seen.push(loop.now()));
    });
    loop.callAt(6, () => seen.push(loop.now()));
    await kernel.run();
    expect(seen).toEqual([5, 6]);
  });

  it('runs equal deadlines in insertion order and stops at untilMs', async () => {
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    const order: number[] = [];
    for (let i = 0; i < 5; i++) loop.callAt(7, () => order.push(i));
    loop.callAt(100, () => order.push(100));
    const summary = await kernel.run({ untilMs: 50 });
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(summary).toMatchObject({ reason: 'time', nowMs: 50, steps: 5 });
    expect(kernel.pending).toBe(1);
  });

  it('fails a run past its step budget with an error naming the budget', async () => {
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    const spin = (): void => void loop.callLater(1, spin);
    spin();
    await expect(kernel.run({ stepsMax: 1000 })).rejects.toThrow(StepBudgetError);
    await expect(kernel.run({ stepsMax: 10 })).rejects.toThrow(/stepsMax=10/);
  });

  it('rejects bad run options with a clear message', async () => {
    const kernel = new SimKernel();
    await expect(kernel.run({ forMs: -1 })).rejects.toThrow('forMs: expected a finite number >= 0, got -1');
    await expect(kernel.run({ stepsMax: 0 })).rejects.toThrow('stepsMax: expected an integer >= 1, got 0');
    await expect(kernel.run({ untilMs: 1, forMs: 1 })).rejects.toThrow('untilMs or forMs, not both');
  });
});
