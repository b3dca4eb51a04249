// Proves always fails the run even when the code under test swallows it, sometimes reports states never reached, and eventually resolves on time or fails the run after withinMs.
import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../../../src/sim/assertions.js';
import { Simulation } from '../../../src/sim/simulation.js';

describe('assertions', () => {
  it('always: fails the run with seed, time, host, details and trace tail, even if the error is caught', async () => {
    const sim = new Simulation({ seed: 11 });
    const after: number[] = [];
    sim.host('bank', ({ loop, sim: world }) => {
      let balance = 10;
      loop.callLater(5, () => world.record('withdraw', { amount: 15 }));
      loop.callLater(5, () => {
        balance -= 15;
        try {
          world.always(balance >= 0, 'balance never negative', { balance });
        } catch {
          // a careless component swallowing everything
        }
      });
      loop.callLater(6, () => after.push(6));
    });
    const error = await sim.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssertionFailure);
    const failure = error as AssertionFailure;
    expect(failure.message.split('\n').slice(0, 4)).toEqual([
      'always failed: balance never negative',
      // The second callback waits for the host's CPU: eventCpuMs (0.01 ms) after the first.
      '  seed 11, virtual time 5.01ms, host bank#1',
      '  details: {"balance":-5}',
      '  trace tail (last 3 of 3 lines):',
    ]);
    expect(failure.message).toContain('{"tMs":5,"kind":"withdraw","host":"bank","amount":15}');
    expect(failure.message).toContain('{"tMs":5.01,"kind":"always-failed","host":"bank","message":"balance never negative","details":{"balance":-5}}');
    expect(after).toEqual([]);
  });

  it('always: passes silently when the condition holds', async () => {
    const sim = new Simulation({ seed: 12 });
    sim.host('a', ({ sim: world }) => world.always(1 + 1 === 2, 'arithmetic'));
    await expect(sim.run()).resolves.toMatchObject({ reason: 'idle' });
  });

  it('sometimes: reports the messages whose condition never held', async () => {
    const sim = new Simulation({ seed: 13 });
    sim.host('a', ({ loop, sim: world }) => {
      for (let i = 0; i < 10; i++) {
        loop.callLater(i, () => {
          world.sometimes(i % 2 === 0, 'even tick');
          world.sometimes(i > 100, 'tick beyond 100');
        });
      }
    });
    await sim.run();
    expect(sim.sometimesReport()).toEqual({ never: ['tick beyond 100'], hits: { 'even tick': 5, 'tick beyond 100': 0 } });
  });

  it('eventually: resolves right after the event that makes the condition true, before the next event', async () => {
    const sim = new Simulation({ seed: 14 });
    const order: string[] = [];
    let healed = false;
    sim.host('a', ({ loop }) => {
      loop.callAt(40, () => {
        healed = true;
      });
      loop.callAt(40, () => order.push('next event at 40'));
    });
    const liveness = sim.eventually(() => healed, { withinMs: 100, message: 'heals' }).then(() => order.push(`resolved at ${sim.now()}`));
    await sim.run();
    await liveness;
    expect(order).toEqual(['resolved at 40', 'next event at 40']);
  });

  it('eventually: fails the run when the condition does not hold within withinMs', async () => {
    const sim = new Simulation({ seed: 15 });
    sim.host('a', ({ loop }) => void loop.callAt(500, () => {}));
    const liveness = sim.eventually(() => false, { withinMs: 100, message: 'leader elected' });
    const error = await sim.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssertionFailure);
    expect((error as Error).message).toMatch(/^eventually failed: leader elected \(not within 100ms\)\n {2}seed 15, virtual time 100ms, host \(none\)\n/);
    await expect(liveness).rejects.toBe(error);
  });

  it('eventually: checks bad options', () => {
    const sim = new Simulation({ seed: 16 });
    expect(() => sim.eventually(() => true, { withinMs: -1, message: 'x' })).toThrow('withinMs: expected a finite number >= 0, got -1');
    expect(() => sim.eventually(() => true, { within: 5, message: 'x' } as never)).toThrow('eventually options: unknown option "within" (known: withinMs, message)');
  });

  it('eventually: what it settles continues at simulation level, not as the host whose event ran last', async () => {
    const sim = new Simulation({ seed: 9 });
    let flag = false;
    sim.host('a', ({ loop }) => void loop.callLater(10, () => (flag = true)));
    const seen: (string | undefined)[] = [];
    sim.loop.callLater(1, () => {
      void sim.eventually(() => flag, { withinMs: 100, message: 'flag' }).then(() => {
        seen.push(sim.currentHost?.name);
        // A timer set here belongs to the simulation: a crash of 'a' must not take it.
        setTimeout(() => seen.push(`timer at ${sim.now()}`), 5);
        sim.crash('a');
      });
    });
    await sim.run();
    expect(seen).toEqual([undefined, 'timer at 15']);
  });
});
