// The bridge builds its replacements once per process and installs the same ones for every run:
// a run must not see anything of the run before it (timer ids, streams, clocks), the globals
// must come back exactly (attributes included), and a reference to a replacement kept from one
// run works on the run that is active when it is called.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/simulation.js';

interface Seen {
  ids: number[];
  random: number;
  now: number;
  trace: string;
}

async function run(seed: number, keep?: (fn: typeof setTimeout) => void): Promise<Seen> {
  const sim = new Simulation({ seed });
  const seen: Seen = { ids: [], random: 0, now: 0, trace: '' };
  sim.host('a', () => {
    keep?.(setTimeout);
    for (let i = 0; i < 3; i++) seen.ids.push(Number(setTimeout(() => {}, 10 * (i + 1))));
    seen.random = Math.random();
    setTimeout(() => (seen.now = Date.now()), 25);
  });
  await sim.run();
  seen.trace = sim.trace.hash();
  return seen;
}

describe('replacements shared by every run', () => {
  it('a seed sees the same timer ids, randomness, clock and trace hash whatever ran before it', async () => {
    const alone = await run(7);
    await run(3);
    await run(99);
    const after = await run(7);
    expect(after).toEqual(alone);
    expect(alone.ids).toEqual([1, 2, 3]);
  });

  it('puts every global back as it was, attributes included', async () => {
    const names = ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'fetch'] as const;
    const before = names.map((name) => Object.getOwnPropertyDescriptor(globalThis, name));
    const perfNow = Object.getOwnPropertyDescriptor(performance, 'now');
    let enumerableDuringRun: boolean | undefined;
    const sim = new Simulation({ seed: 1 });
    sim.host('a', () => {
      enumerableDuringRun = Object.getOwnPropertyDescriptor(globalThis, 'Date')?.enumerable;
    });
    await sim.run();
    expect(enumerableDuringRun).toBe(false);
    expect(names.map((name) => Object.getOwnPropertyDescriptor(globalThis, name))).toEqual(before);
    expect(Object.getOwnPropertyDescriptor(performance, 'now')).toEqual(perfNow);
  });

  it('a setTimeout kept from an earlier run schedules on the run active when it is called', async () => {
    let kept: typeof setTimeout | undefined;
    await run(1, (fn) => (kept = fn));
    const sim = new Simulation({ seed: 2 });
    const firedAt: number[] = [];
    sim.host('b', ({ loop }) => {
      (kept as typeof setTimeout)(() => firedAt.push(loop.now()), 40);
    });
    await sim.run();
    expect(firedAt).toEqual([40]);
  });
});
