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
    // Sent at 200: it reaches the new incarnation once the connect side is back on its reconnect
    // schedule (libzmq's, with jitter), and one 10 ms latency later — exactly once.
    expect(received).toHaveLength(1);
    const [, atMs] = /^#2 got m2 at (\d+(?:\.\d+)?)$/.exec(received[0] ?? '') ?? [];
    expect(Number(atMs)).toBeGreaterThanOrEqual(210);
    expect(Number(atMs)).toBeLessThan(300);
    expect(b.state?.inbox).toEqual(received);
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

  it('release of a held link delivers in an event of the receiving host, after its pause', async () => {
    const sim = new Simulation({ seed: 3 });
    const got: string[] = [];
    sim.host('b', async ({ transport, loop }) => {
      const pull = transport.socket('pull');
      await pull.bind('tcp://*:5555');
      void (async () => {
        for await (const [frame] of pull) got.push(`${text(frame)} at ${loop.now()} on ${sim.currentHost?.name}`);
      })().catch(() => {});
    });
    sim.host('a', ({ transport, loop }) => {
      const push = transport.socket('push');
      push.connect('tcp://b:5555');
      loop.callLater(20, () => void push.send('held'));
    });
    await sim.run({ untilMs: 10 });
    sim.network.hold('a', 'b');
    await sim.run({ untilMs: 50 });
    sim.pause('b', 30);
    sim.loop.callLater(5, () => sim.network.release('a', 'b'));
    await sim.run();
    expect(got).toEqual(['held at 80 on b']);
  });

  it('release of a held link runs an HTTP handler and its response in events of their own hosts', async () => {
    const sim = new Simulation({ seed: 4 });
    const seen: string[] = [];
    sim.host('b', async ({ transport }) => {
      await transport.httpListen('http://b:80', () => {
        seen.push(`handler on ${sim.currentHost?.name} at ${sim.now()}`);
        return { status: 200, headers: {}, body: new Uint8Array(0) };
      });
    });
    sim.host('a', ({ transport, loop }) => {
      loop.callLater(20, () => void transport.httpRequest('http://b:80/').then(() => seen.push(`response on ${sim.currentHost?.name}`)));
    });
    await sim.run({ untilMs: 10 });
    sim.network.hold('a', 'b');
    await sim.run({ untilMs: 50 });
    sim.pause('b', 30);
    sim.loop.callLater(5, () => sim.network.release('a', 'b'));
    await sim.run();
    expect(seen).toEqual(['handler on b at 80', 'response on a']);
  });

  it('an HTTP request that reaches a host restarted while it was on its way is handled in an event of the new process', async () => {
    const sim = new Simulation({ seed: 5 });
    sim.network.setLinkConditions({ latencyMs: { min: 10, max: 10 } });
    const seen: string[] = [];
    sim.host('b', async ({ transport, incarnation }) => {
      await transport.httpListen('http://b:80', () => {
        seen.push(`handler #${incarnation} on ${sim.currentHost?.name}`);
        return { status: 200, headers: {}, body: new Uint8Array(0) };
      });
    });
    const a = sim.host('a', ({ transport }) => ({ transport }));
    await sim.run();
    sim.crash('b');
    a.loop.addCallback(() => void a.state?.transport.httpRequest('http://b:80/').then((r) => seen.push(`status ${r.status}`)));
    sim.loop.callLater(5, () => sim.restart('b'));
    await sim.run();
    expect(seen).toEqual(['handler #2 on b', 'status 200']);
  });
});
