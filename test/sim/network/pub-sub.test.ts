// PUB/SUB: prefix subscriptions on the first frame, slow joiners losing early messages, unsubscribe, PUB dropping for subscribers at HWM.
import { describe, expect, it } from 'vitest';
import { collect, track, world } from './helpers.js';

describe('PUB/SUB', () => {
  it('delivers by prefix; subscribe("") gets everything', async () => {
    const { kernel, t } = world();
    const pub = t('a').socket('pub');
    await pub.bind('tcp://*:8000');
    const weather = t('b').socket('sub');
    weather.subscribe('weather.');
    weather.connect('tcp://a:8000');
    const all = t('c').socket('sub');
    all.subscribe();
    all.connect('tcp://a:8000');
    await kernel.run();
    await pub.send(['weather.paris', 'sun']);
    await pub.send(['sports.tennis', 'win']);
    const gotW: { t: number; m: string[] }[] = [];
    const gotAll: { t: number; m: string[] }[] = [];
    collect(weather, gotW, kernel);
    collect(all, gotAll, kernel);
    await kernel.run();
    expect(gotW.map((g) => g.m)).toEqual([['weather.paris', 'sun']]);
    expect(gotAll.map((g) => g.m)).toEqual([
      ['weather.paris', 'sun'],
      ['sports.tennis', 'win'],
    ]);
  });

  it('slow joiner: messages published before the subscription reached the publisher are lost', async () => {
    const { kernel, t } = world();
    const pub = t('a').socket('pub');
    await pub.bind('tcp://*:8000');
    const sub = t('b').socket('sub');
    sub.subscribe('');
    sub.connect('tcp://a:8000'); // handshake reaches a at 1ms, the subscription at 2ms
    const got: { t: number; m: string[] }[] = [];
    collect(sub, got, kernel);
    let n = 0;
    const tick = (): void => {
      void pub.send(`tick${n++}`);
      if (n < 5) kernel.schedule(kernel.now() + 1, tick);
    };
    kernel.schedule(0, tick);
    await kernel.run();
    expect(got.map((g) => g.m[0])).toEqual(['tick2', 'tick3', 'tick4']);
  });

  it('unsubscribe stops delivery, also of messages already in flight', async () => {
    const { kernel, t, net } = world();
    const pub = t('a').socket('pub');
    await pub.bind('tcp://*:8000');
    const sub = t('b').socket('sub', { receiveTimeoutMs: 10 });
    sub.subscribe('x');
    sub.connect('tcp://a:8000');
    await kernel.run();
    await pub.send('x1');
    sub.unsubscribe('x');
    await kernel.run();
    await pub.send('x2'); // the publisher knows: not even sent
    const r = track(sub.receive());
    await kernel.run();
    expect(net.stats.sent).toBe(3); // subscribe, x1, unsubscribe; x2 was never sent
    expect((r.error as Error).message).toContain('timed out'); // x1 arrived after the local unsubscribe: filtered
    expect(net.stats.dropped).toBe(1);
  });

  it('PUB drops for a subscriber at its high-water mark and never blocks', async () => {
    // inproc has no kernel buffers, so the pipes alone hold what waits (tcp holds far more: hwm.contract.test.ts).
    const { kernel, t, net } = world();
    const pub = t('a').socket('pub', { sendHighWaterMark: 3 });
    await pub.bind('inproc://hwm');
    const sub = t('a').socket('sub', { receiveHighWaterMark: 2 });
    sub.subscribe('');
    sub.connect('inproc://hwm');
    await kernel.run();
    for (let i = 0; i < 10; i++) await pub.send(`m${i}`); // never blocks
    await kernel.run();
    // An inproc pipe is shared: it holds SNDHWM + RCVHWM = 5 (as zeromq.js does, hwm.contract.test.ts); the rest drop at once.
    expect(net.stats.dropped).toBe(5);
    expect(net.stats.delivered).toBe(3); // 1 subscription + 2 into the SUB's queue; 3 wait behind them
    const got: { t: number; m: string[] }[] = [];
    collect(sub, got, kernel);
    await kernel.run();
    expect(got.map((g) => g.m[0])).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});
