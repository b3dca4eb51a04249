// PUSH/PULL on the simulated network: round-robin, fair queueing, bind/connect in either order, HWM blocking and send timeouts.
import { describe, expect, it } from 'vitest';
import { collect, text, track, world } from './helpers.js';

describe('PUSH/PULL', () => {
  it('delivers after one link latency, in order', async () => {
    const { kernel, t } = world();
    const pull = t('b').socket('pull');
    await pull.bind('tcp://*:5000');
    const push = t('a').socket('push');
    push.connect('tcp://b:5000');
    const got: { t: number; m: string[] }[] = [];
    collect(pull, got, kernel);
    await kernel.run({ forMs: 5 }); // handshake completes at 1ms
    for (const m of ['x', 'y', 'z']) await push.send(m);
    await kernel.run();
    expect(got).toEqual([
      { t: 6, m: ['x'] },
      { t: 6, m: ['y'] },
      { t: 6, m: ['z'] },
    ]);
  });

  it('connect before bind: messages queue and flow once the peer binds', async () => {
    const { kernel, t } = world();
    const push = t('a').socket('push');
    push.connect('tcp://b:5000');
    await push.send('early'); // ZeroMQ queues in the connecting pipe
    await kernel.run({ untilMs: 50 });
    const pull = t('b').socket('pull');
    await pull.bind('tcp://b:5000');
    const got: { t: number; m: string[] }[] = [];
    collect(pull, got, kernel);
    await kernel.run();
    // The try at connect() found nobody; libzmq tries again after reconnectIntervalMs (100) plus a
    // jitter below it, then the handshake takes 1ms and the message 1ms on the wire.
    expect(got.map((g) => g.m)).toEqual([['early']]);
    expect(got[0]!.t).toBeGreaterThanOrEqual(102);
    expect(got[0]!.t).toBeLessThan(202);
  });

  it('round-robins over connected peers and a PULL fair-queues its peers', async () => {
    const { kernel, t } = world(['a', 'b', 'c', 'd']);
    const pulls = ['b', 'c'].map((h) => t(h).socket('pull'));
    await pulls[0]!.bind('tcp://*:5000');
    await pulls[1]!.bind('tcp://*:5000');
    const push = t('a').socket('push');
    push.connect('tcp://b:5000');
    push.connect('tcp://c:5000');
    await kernel.run();
    for (let i = 0; i < 6; i++) await push.send(`m${i}`);
    const gotB: { t: number; m: string[] }[] = [];
    const gotC: { t: number; m: string[] }[] = [];
    collect(pulls[0]!, gotB, kernel);
    collect(pulls[1]!, gotC, kernel);
    await kernel.run();
    expect(gotB.map((g) => g.m[0])).toEqual(['m0', 'm2', 'm4']);
    expect(gotC.map((g) => g.m[0])).toEqual(['m1', 'm3', 'm5']);

    // Fair queue: two pushers with 3 queued each are read alternately, not one then the other.
    const sink = t('d').socket('pull');
    await sink.bind('inproc://sink');
    const p1 = t('d').socket('push');
    const p2 = t('d').socket('push');
    p1.connect('inproc://sink');
    p2.connect('inproc://sink');
    for (let i = 0; i < 3; i++) await p1.send(`p1-${i}`);
    for (let i = 0; i < 3; i++) await p2.send(`p2-${i}`);
    await kernel.run();
    const order: string[] = [];
    for (let i = 0; i < 6; i++) order.push(text(await sink.receive())[0]!);
    expect(order).toEqual(['p1-0', 'p2-0', 'p1-1', 'p2-1', 'p1-2', 'p2-2']);
  });

  it('with no peer at all, send waits; it completes when a peer connects', async () => {
    const { kernel, t } = world();
    const push = t('a').socket('push');
    await push.bind('tcp://*:5000');
    const sent = track(push.send('hello'));
    await kernel.run({ forMs: 100 });
    expect(sent.settled).toBe(false);
    const pull = t('b').socket('pull');
    pull.connect('tcp://a:5000');
    await kernel.run();
    expect(sent).toMatchObject({ settled: true });
    expect(text(await pull.receive())).toEqual(['hello']);
  });

  it('blocks at the high-water mark (send + receive queue) and resumes when the receiver reads', async () => {
    // inproc has no kernel buffers, so exactly SNDHWM + RCVHWM wait (tcp holds far more: hwm.contract.test.ts).
    const { kernel, t, net } = world();
    const pull = t('a').socket('pull', { receiveHighWaterMark: 3 });
    await pull.bind('inproc://hwm');
    const push = t('a').socket('push', { sendHighWaterMark: 2 });
    push.connect('inproc://hwm');
    await kernel.run();
    let sent = 0;
    const sender = (async () => {
      for (let i = 0; i < 10; i++) {
        await push.send(`m${i}`);
        sent++;
      }
    })();
    await kernel.run();
    expect(sent).toBe(5); // 3 in the receiver's queue + 2 in the sender's queue; the 6th waits
    expect(net.stats.delivered).toBe(3);
    const got: string[] = [];
    for (let i = 0; i < 10; i++) {
      got.push(text(await pull.receive())[0]!);
      await kernel.run();
    }
    await sender;
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(net.stats.dropped).toBe(0);
  });

  it('a blocked send rejects with EAGAIN after sendTimeoutMs', async () => {
    const { kernel, t } = world();
    const push = t('a').socket('push', { sendTimeoutMs: 250 });
    const sent = track(push.send('x'));
    await kernel.run();
    expect(kernel.now()).toBe(250);
    expect((sent.error as Error).message).toBe('send: timed out after 250ms waiting for a peer with room (sendTimeoutMs) (EAGAIN)');
    expect((sent.error as { code: string }).code).toBe('EAGAIN');
  });

  it('receive rejects with EAGAIN after receiveTimeoutMs; close rejects a waiting receive', async () => {
    const { kernel, t } = world();
    const pull = t('a').socket('pull', { receiveTimeoutMs: 40 });
    await pull.bind('tcp://*:1');
    const r = track(pull.receive());
    await kernel.run();
    expect((r.error as Error).message).toBe('receive: timed out after 40ms (receiveTimeoutMs) (EAGAIN)');
    const pull2 = t('a').socket('pull');
    const r2 = track(pull2.receive());
    pull2.close();
    await kernel.run();
    expect((r2.error as Error).message).toBe('receive: socket was closed while waiting (EAGAIN)');
    expect(pull2.closed).toBe(true);
  });

  it('async iteration ends when the socket is closed', async () => {
    const { kernel, t } = world();
    const pull = t('b').socket('pull');
    await pull.bind('tcp://*:5000');
    const push = t('a').socket('push');
    push.connect('tcp://b:5000');
    await push.send('one');
    await push.send('two');
    const seen: string[] = [];
    const loop = (async () => {
      for await (const m of pull) {
        seen.push(text(m)[0]!);
        if (seen.length === 2) kernel.schedule(kernel.now() + 5, () => pull.close());
      }
    })();
    await kernel.run();
    await loop;
    expect(seen).toEqual(['one', 'two']);
  });
});
