// Proves applyFaultPlan drives a real Simulation: a partition stalls PUSH/PULL traffic and delivers it late and in order, a
// disconnect loses only what was in flight, overlapping drop windows cut a declared lossy link, a crashed server restarts,
// a pause defers delivery, a hold delivers in order on release, and each fault's start and end is in the trace.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/simulation.js';
import { applyFaultPlan, healAll } from '../../../src/sim/fault-injector.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';

interface Received {
  tMs: number;
  body: string;
  incarnation: number;
}

/** A client pushing "m<i>" every 10ms from t=10 to the server, which records what arrives. */
function pingWorld(seed = 1, messages = 100) {
  const sim = new Simulation({ seed, trace: { keepAll: true } });
  const received: Received[] = [];
  const sentAt = new Map<string, number>();
  sim.host('server', async ({ transport, loop, incarnation }) => {
    const pull = transport.socket('pull');
    await pull.bind('tcp://server:5555');
    void (async () => {
      try {
        for await (const message of pull) received.push({ tMs: loop.now(), body: new TextDecoder().decode(message[0]), incarnation });
      } catch {
        // The socket closed with its host: a crashed server receives nothing more.
      }
    })();
  });
  sim.host('client', ({ transport, loop }) => {
    const push = transport.socket('push');
    push.connect('tcp://server:5555');
    let i = 0;
    const tick = (): void => {
      const body = `m${i++}`;
      sentAt.set(body, loop.now());
      void push.send(body);
      if (i < messages) loop.callLater(10, tick);
    };
    loop.callLater(10, tick);
  });
  const faultLines = () =>
    sim.trace
      .kept()
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.kind === 'fault')
      .map((e) => `${e.tMs} ${e.fault as string} ${e.phase as string}`);
  const kinds = () => sim.trace.kept().map((l) => JSON.parse(l) as { kind: string; tMs: number });
  /** Bodies sent in [fromMs, toMs) that arrived. */
  const arrivedSentIn = (fromMs: number, toMs: number) => received.filter((r) => (sentAt.get(r.body) as number) >= fromMs && (sentAt.get(r.body) as number) < toMs);
  return { sim, received, sentAt, faultLines, kinds, arrivedSentIn };
}

describe('applyFaultPlan on a Simulation', () => {
  it('without faults every message arrives about 1ms after it was sent', async () => {
    const w = pingWorld(1, 20);
    await w.sim.run({ untilMs: 1000 });
    expect(w.received).toHaveLength(20);
    expect(w.received.every((r) => r.tMs - (w.sentAt.get(r.body) as number) <= 2)).toBe(true);
  });

  it('a partition stalls delivery for its window: everything sent meanwhile arrives at TCP\'s next retransmission, in order, none lost', async () => {
    const w = pingWorld();
    applyFaultPlan(w.sim, [{ kind: 'partition', atMs: 205, durationMs: 100, sideA: ['client'], sideB: ['server'] }], { hosts: ['client', 'server'] });
    await w.sim.run({ untilMs: 1100 });
    expect(w.received.map((r) => r.body)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    // m20, due at 211, is lost to the partition; TCP resends it at 411 (211 + 200), after the heal at 305,
    // and everything queued behind it on the connection (up to m39, sent at 400) arrives with it.
    const stalled = w.arrivedSentIn(205, 401);
    expect(stalled.map((r) => r.body)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i + 20}`));
    // (Give or take the hosts' CPU time per event, a few hundredths of a millisecond.)
    expect(stalled.every((r) => r.tMs >= 411 && r.tMs < 411.5)).toBe(true);
    expect(w.sim.network.stats.dropped).toBe(0);
    expect(w.faultLines()).toEqual(['205 partition start', '305 partition end']);
    const network = w.kinds().filter((e) => e.kind === 'partition' || e.kind === 'repair').map((e) => `${e.tMs} ${e.kind}`);
    expect(network).toEqual(['205 partition', '305 repair']);
  });

  it('a disconnect loses only what was in flight; the client reconnects and the rest arrives', async () => {
    const w = pingWorld();
    // m20 leaves at 210 and is on the wire until 211: the disconnect at 210.5 loses it alone.
    applyFaultPlan(w.sim, [{ kind: 'disconnect', atMs: 210.5, sideA: ['client'], sideB: ['server'] }], { hosts: ['client', 'server'] });
    await w.sim.run({ untilMs: 1500 });
    expect(w.received.map((r) => r.body)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`).filter((b) => b !== 'm20'));
    // Sent while reconnecting (one interval of 100ms plus jitter), queued in the client's pipe, delivered after.
    expect(w.arrivedSentIn(220, 300).every((r) => r.tMs > 300)).toBe(true);
    expect(w.sim.network.stats.dropped).toBe(1);
  });

  it('overlapping drop windows on a declared lossy link: nothing sent while either is open arrives; all arrives after both close', async () => {
    const w = pingWorld();
    applyFaultPlan(w.sim, [
      { kind: 'drop', atMs: 295, durationMs: 100, rate: 1 },
      { kind: 'drop', atMs: 345, durationMs: 150, rate: 1, from: ['client'] },
    ], { lossyLinks: [{}] });
    await w.sim.run({ untilMs: 1100 });
    expect(w.arrivedSentIn(300, 495)).toEqual([]);
    expect(w.arrivedSentIn(500, 1001).length).toBe(51);
    expect(w.faultLines()).toEqual(['295 drop start', '345 drop start', '395 drop end', '495 drop end']);
  });

  it('a crash with restartAfterMs restarts the server, which receives again on a new incarnation', async () => {
    const w = pingWorld();
    applyFaultPlan(w.sim, [{ kind: 'crash', atMs: 405, host: 'server', restartAfterMs: 100 }]);
    await w.sim.run({ untilMs: 1100 });
    expect(w.sim.getHost('server').incarnation).toBe(2);
    expect(w.received.filter((r) => r.incarnation === 1).every((r) => r.tMs < 405)).toBe(true);
    expect(w.received.filter((r) => r.incarnation === 2).length).toBeGreaterThan(40);
    expect(w.received.some((r) => r.tMs >= 405 && r.tMs < 505)).toBe(false);
    expect(w.faultLines()).toEqual(['405 crash start', '505 crash end']);
    const lifecycle = w.kinds().filter((e) => ['crash', 'restart'].includes(e.kind)).map((e) => `${e.tMs} ${e.kind}`);
    expect(new Set(lifecycle)).toEqual(new Set(['405 crash', '505 restart']));
  });

  it('a pause defers the server receiving until it ends; nothing is lost', async () => {
    const w = pingWorld();
    applyFaultPlan(w.sim, [{ kind: 'pause', atMs: 605, host: 'server', durationMs: 50 }]);
    await w.sim.run({ untilMs: 1100 });
    expect(w.received).toHaveLength(100);
    expect(w.received.filter((r) => r.tMs > 605 && r.tMs < 655)).toEqual([]);
    const late = w.arrivedSentIn(610, 655);
    expect(late.map((r) => r.body)).toEqual(['m60', 'm61', 'm62', 'm63', 'm64']);
    expect(late.every((r) => r.tMs === 655)).toBe(true);
    expect(w.faultLines()).toEqual(['605 pause start', '655 pause end']);
  });

  it('a hold parks messages on the link and delivers them in order on release', async () => {
    const w = pingWorld();
    applyFaultPlan(w.sim, [{ kind: 'hold', atMs: 805, durationMs: 50, from: 'client', to: 'server' }]);
    await w.sim.run({ untilMs: 1100 });
    expect(w.received).toHaveLength(100);
    expect(w.received.map((r) => r.body)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    const held = w.arrivedSentIn(810, 855);
    expect(held.map((r) => r.body)).toEqual(['m80', 'm81', 'm82', 'm83', 'm84']);
    expect(held.every((r) => r.tMs >= 855)).toBe(true);
    expect(w.faultLines()).toEqual(['805 hold start', '855 hold end']);
  });

  it('healAll mid-plan ends the partition at once: what stalled arrives then, and traffic flows again', async () => {
    const w = pingWorld();
    const plan: FaultPlan = [{ kind: 'partition', atMs: 100, durationMs: 10_000, sideA: ['server'], sideB: ['client'] }];
    applyFaultPlan(w.sim, plan);
    await w.sim.run({ untilMs: 300 });
    healAll(w.sim);
    await w.sim.run({ untilMs: 1100 });
    // The first message lost (due at 101) is resent at 301, the first retransmission after the heal.
    expect(w.arrivedSentIn(100, 300).every((r) => r.tMs >= 301 && r.tMs < 301.5)).toBe(true);
    expect(w.received.map((r) => r.body)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(w.faultLines()).toEqual(['100 partition start', '300 partition end']);
  });

  it('the same seed and plan give the same trace hash', async () => {
    const plan: FaultPlan = [
      { kind: 'drop', atMs: 100, durationMs: 300, rate: 0.5 },
      { kind: 'duplicate', atMs: 200, durationMs: 300, rate: 0.5 },
      { kind: 'latency', atMs: 150, durationMs: 400, minMs: 1, maxMs: 30 },
    ];
    const hashes: string[] = [];
    for (const seed of [7, 7, 8]) {
      const w = pingWorld(seed);
      applyFaultPlan(w.sim, plan, { lossyLinks: [{}] });
      await w.sim.run({ untilMs: 1100 });
      hashes.push(w.sim.trace.hash());
    }
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[2]).not.toBe(hashes[0]);
  });

  it('one of two overlapping partitions ending does not restart the heartbeat clock of a link the other still cuts', async () => {
    /** When the heartbeating PUSH drops its stalled connection under `plan` (a PING every 1s, a 5s timeout). */
    const expiredAt = async (plan: FaultPlan): Promise<number[]> => {
      const sim = new Simulation({ seed: 1, trace: { keepAll: true } });
      sim.host('server', async ({ transport }) => {
        await transport.socket('pull').bind('tcp://server:5555');
      });
      sim.host('client', ({ transport }) => {
        transport.socket('push', { heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 5000 }).connect('tcp://server:5555');
      });
      applyFaultPlan(sim, plan, { hosts: ['client', 'server'] });
      await sim.run({ untilMs: 12_000 });
      return sim.trace.kept().map((l) => JSON.parse(l) as { kind: string; tMs: number }).filter((e) => e.kind === 'heartbeat-expired').map((e) => e.tMs);
    };
    const cut = { sideA: ['client'], sideB: ['server'] };
    const single = await expiredAt([{ kind: 'partition', atMs: 100, durationMs: 9900, ...cut }]);
    // The link is cut from 100 to 10000 either way: the first PING after 100 (at ~1000) plus 5s.
    expect(single).toHaveLength(1);
    expect(single[0]).toBeGreaterThan(5900);
    expect(single[0]).toBeLessThan(6100);
    const overlapping = await expiredAt([
      { kind: 'partition', atMs: 100, durationMs: 2900, ...cut },
      { kind: 'partition', atMs: 2000, durationMs: 8000, ...cut },
    ]);
    expect(overlapping).toEqual(single);
  });
});
