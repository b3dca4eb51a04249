// Proves the world and the network act as one: a crash drops messages in flight to the host and its state, a restart re-runs the factory and traffic resumes, and a pause defers deliveries (determinism with network traffic: determinism.test.ts).
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../../src/core/transport.js';
import { Simulation } from '../../../src/sim/simulation.js';

const text = (frame: Uint8Array | undefined): string => new TextDecoder().decode(frame);

/** A host that binds a PULL socket and keeps what it receives, with the time it arrived. */
function sink(received: string[]) {
  return async ({ transport, loop, incarnation }: Parameters<Parameters<Simulation['host']>[1]>[0]) => {
    const pull = transport.socket('pull');
    await pull.bind('tcp://*:5555');
    const state = { inbox: [] as string[] };
    void (async () => {
      for await (const [frame] of pull) {
        const line = `#${incarnation} got ${text(frame)} at ${loop.now()}`;
        state.inbox.push(line);
        received.push(line);
      }
    })().catch(() => {});
    return state;
  };
}

describe('simulation and network', () => {
  it('crash drops in-flight messages and state; restart re-runs the factory and traffic resumes', async () => {
    const sim = new Simulation({ seed: 1 });
    sim.network.setLinkConditions({ latencyMs: { min: 10, max: 10 } });
    const received: string[] = [];
    let starts = 0;
    const b = sim.host('b', async (ctx) => {
      starts++;
      return sink(received)(ctx);
    });
    let push: Socket | undefined;
    sim.host('a', ({ transport }) => {
      push = transport.socket('push');
      push.connect('tcp://b:5555');
    });
    await sim.run({ untilMs: 50 });
    await push?.send('m1');
    await sim.run({ untilMs: 55 }); // m1 is on the wire until 60
    sim.crash('b');
    expect(b.state).toBeUndefined();
    await sim.run({ untilMs: 100 });
    expect(received).toEqual([]);
    expect(sim.network.stats.dropped).toBeGreaterThanOrEqual(1);
    sim.restart('b');
    await sim.run({ untilMs: 200 });
    expect(starts).toBe(2);
    await push?.send('m2');
    await sim.run({ untilMs: 300 });
    expect(received).toEqual(['#2 got m2 at 210']);
    expect(b.state?.inbox).toEqual(['#2 got m2 at 210']);
  });

  it('pause defers deliveries into the paused host until the pause ends', async () => {
    const sim = new Simulation({ seed: 2 });
    sim.network.setLinkConditions({ latencyMs: { min: 1, max: 1 } });
    const received: string[] = [];
    sim.host('b', sink(received));
    let push: Socket | undefined;
    sim.host('a', ({ transport }) => {
      push = transport.socket('push');
      push.connect('tcp://b:5555');
    });
    await sim.run({ untilMs: 20 });
    sim.pause('b', 100);
    await push?.send('during pause');
    await sim.run();
    expect(received).toEqual(['#1 got during pause at 120']);
  });
});
