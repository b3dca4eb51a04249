// DEALER/ROUTER: identity frames, routing by identity, deterministic automatic identities, unroutable messages dropped and counted.
import { describe, expect, it } from 'vitest';
import { newTrace, text, world } from './helpers.js';

describe('DEALER/ROUTER', () => {
  it('ROUTER sees [identity, ...frames] and routes replies by identity', async () => {
    const { kernel, t } = world();
    const router = t('a').socket('router');
    await router.bind('tcp://*:6000');
    const d1 = t('b').socket('dealer', { routingId: 'one' });
    const d2 = t('c').socket('dealer', { routingId: 'two' });
    d1.connect('tcp://a:6000');
    d2.connect('tcp://a:6000');
    await d1.send(['hi', 'from b']);
    await d2.send('from c');
    await kernel.run();
    const m1 = await router.receive();
    const m2 = await router.receive();
    expect([text(m1), text(m2)]).toEqual([
      ['one', 'hi', 'from b'],
      ['two', 'from c'],
    ]);
    await router.send([m2[0]!, 'to c']);
    await router.send(['one', 'to b']);
    await kernel.run();
    expect(text(await d1.receive())).toEqual(['to b']);
    expect(text(await d2.receive())).toEqual(['to c']);
  });

  it('drops a message to an unknown identity silently, counted in stats.unroutable and traced', async () => {
    const trace = newTrace();
    const { kernel, t, net } = world(['a'], 1, trace);
    const router = t('a').socket('router');
    await router.bind('inproc://r');
    await expect(router.send(['nobody', 'x'])).resolves.toBeUndefined();
    await kernel.run();
    expect(net.stats.unroutable).toBe(1);
    expect(net.stats.dropped).toBe(1);
    expect(trace.kept().map((l) => JSON.parse(l) as { kind: string; reason?: string }).filter((e) => e.kind === 'drop')).toMatchObject([{ reason: 'unroutable', bytes: 7 }]);
  });

  it('gives anonymous peers ZeroMQ-style 5-byte identities, the same for the same seed', async () => {
    const ids = async (seed: number) => {
      const { kernel, t } = world(['a', 'b'], seed);
      const router = t('a').socket('router');
      await router.bind('tcp://*:6000');
      const out: number[][] = [];
      for (let i = 0; i < 2; i++) {
        const d = t('b').socket('dealer');
        d.connect('tcp://a:6000');
        await d.send('x');
        await kernel.run();
        out.push([...(await router.receive())[0]!]);
      }
      return out;
    };
    const first = await ids(7);
    expect(first[0]).toHaveLength(5);
    expect(first[0]![0]).toBe(0);
    expect(first[0]).not.toEqual(first[1]);
    expect(await ids(7)).toEqual(first);
  });

  it('DEALER round-robins requests over routers and fair-queues replies', async () => {
    const { kernel, t } = world(['a', 'b', 'c']);
    const routers = ['b', 'c'].map((h) => t(h).socket('router'));
    for (const r of routers) await r.bind('tcp://*:6000');
    const dealer = t('a').socket('dealer', { routingId: 'd' });
    dealer.connect('tcp://b:6000');
    dealer.connect('tcp://c:6000');
    await kernel.run();
    for (let i = 0; i < 4; i++) await dealer.send(`q${i}`);
    await kernel.run();
    const atB = [text(await routers[0]!.receive()), text(await routers[0]!.receive())];
    const atC = [text(await routers[1]!.receive()), text(await routers[1]!.receive())];
    expect(atB).toEqual([['d', 'q0'], ['d', 'q2']]);
    expect(atC).toEqual([['d', 'q1'], ['d', 'q3']]);
  });

  it('a duplicate routing id is refused by the router (the first peer keeps it)', async () => {
    const { kernel, t, net } = world(['a', 'b', 'c']);
    const router = t('a').socket('router');
    await router.bind('tcp://*:6000');
    const d1 = t('b').socket('dealer', { routingId: 'same' });
    d1.connect('tcp://a:6000');
    await kernel.run();
    const d2 = t('c').socket('dealer', { routingId: 'same' });
    d2.connect('tcp://a:6000');
    await kernel.run();
    await router.send(['same', 'hello']);
    await kernel.run();
    expect(text(await d1.receive())).toEqual(['hello']);
    expect(net.stats.delivered).toBe(1);
  });
});
