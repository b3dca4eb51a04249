// Proves FailureBackoff doubles its wait per consecutive failure up to the bound, starts over after a success, waits on the injected loop, and that stop() ends a wait at once and every later one; its options are checked by name.
import { describe, expect, it } from 'vitest';
import { checkBackoffOptions, FailureBackoff } from '../../../src/core/failure-backoff.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

describe('FailureBackoff', () => {
  it('doubles from the first delay to the bound, and starts over after a success', () => {
    const backoff = new FailureBackoff(new LoopSim(new SimKernel()), 10, 50);
    expect([1, 2, 3, 4, 5].map(() => backoff.fail())).toEqual([
      { consecutive: 1, delayMs: 10 },
      { consecutive: 2, delayMs: 20 },
      { consecutive: 3, delayMs: 40 },
      { consecutive: 4, delayMs: 50 },
      { consecutive: 5, delayMs: 50 },
    ]);
    backoff.succeed();
    expect(backoff.fail()).toEqual({ consecutive: 1, delayMs: 10 });
    for (let i = 0; i < 2000; i++) backoff.fail();
    expect(backoff.fail().delayMs).toBe(50);
  });

  it('waits on the loop, and stop() ends the wait now and later ones at once', async () => {
    const kernel = new SimKernel();
    const backoff = new FailureBackoff(new LoopSim(kernel));
    const ended: number[] = [];
    const waiting = backoff.wait(40).then(() => ended.push(kernel.now()));
    await kernel.run({ untilMs: 39 });
    expect(ended).toEqual([]);
    await kernel.run();
    await waiting;
    expect(ended).toEqual([40]);
    const long = backoff.wait(1_000).then(() => ended.push(kernel.now()));
    backoff.stop();
    await long;
    expect(ended).toEqual([40, 40]);
    expect(kernel.pending).toBe(0);
    await backoff.wait(1_000);
    expect(kernel.now()).toBe(40);
  });

  it('names a bad option', () => {
    expect(() => checkBackoffOptions(0, 10)).toThrow(new RangeError('backoffMs: expected a finite number >= 1, got 0'));
    expect(() => checkBackoffOptions(10, 5)).toThrow(new RangeError('backoffMsMax: expected a finite number >= backoffMs (10), got 5'));
    expect(checkBackoffOptions(10, 10)).toEqual({ firstMs: 10, maxMs: 10 });
  });
});
