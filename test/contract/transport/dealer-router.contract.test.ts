// Proves DEALER round-robin, ROUTER routing by identity, a duplicate routingId, unroutable drops and ROUTER mandatory behave in the simulation as in real zeromq.js.
import { expect } from 'vitest';
import { EVERY_WORLD, collect, describeWorlds, failureOf, stillPending, text } from './worlds.js';

describeWorlds('DEALER round-robins over its connected peers', EVERY_WORLD, async (w) => {
  const routers = ['b', 'c'].map((host) => w.socket(host, 'router'));
  const addresses: string[] = [];
  for (const [i, router] of routers.entries()) {
    const address = await w.address(i === 0 ? 'b' : 'c', `r${i}`);
    await router.bind(address);
    addresses.push(address);
  }
  const dealer = w.socket('a', 'dealer', { routingId: 'dealer' });
  for (const address of addresses) dealer.connect(address);
  const got = routers.map((router) => collect(router));
  // Wait until both pipes are up: a probe reaches each router.
  let sent = 0;
  while (got.some((g) => g.length === 0)) {
    await dealer.send(`warm-${sent++}`);
    await w.sleep(5);
  }
  await w.waitFor(() => got[0]!.length + got[1]!.length === sent);
  for (let i = 0; i < 10; i++) await dealer.send(`m${i}`);
  await w.waitFor(() => got[0]!.length + got[1]!.length === sent + 10);
  const rounds = got.map((g) => g.filter((m) => m[1]!.startsWith('m')).map((m) => Number(m[1]!.slice(1))));
  expect(rounds.map((r) => r.length)).toEqual([5, 5]);
  for (const r of rounds) for (let i = 1; i < r.length; i++) expect(r[i]! - r[i - 1]!).toBe(2);
  // The router sees the dealer's identity as the first frame.
  expect(got[0]![0]![0]).toBe('dealer');
});

describeWorlds('ROUTER routes by the identity frame; unknown identities are dropped silently', EVERY_WORLD, async (w) => {
  const router = w.socket('a', 'router');
  const address = await w.address('a', 'route');
  await router.bind(address);
  const dealers = ['x', 'y'].map((id, i) => w.socket(i === 0 ? 'b' : 'c', 'dealer', { routingId: id }));
  for (const dealer of dealers) dealer.connect(address);
  for (const dealer of dealers) await dealer.send('hello');
  const seen = [text(await router.receive())[0], text(await router.receive())[0]];
  expect(seen.sort()).toEqual(['x', 'y']);
  const got = dealers.map((dealer) => collect(dealer));
  // An unroutable message resolves and goes nowhere.
  await router.send(['ghost', 'lost']);
  await router.send(['y', 'to-y']);
  await router.send(['x', 'to-x']);
  await w.waitFor(() => got[0]!.length === 1 && got[1]!.length === 1);
  await w.sleep(100);
  expect(got).toEqual([[['to-x']], [['to-y']]]);
});

describeWorlds('a second peer with a routingId already in use: the router keeps the first and never hears the second', EVERY_WORLD, async (w) => {
  const router = w.socket('a', 'router');
  const routerEvents: string[] = [];
  for (const type of ['accept', 'handshake', 'disconnect'] as const) router.events.on(type, (e) => routerEvents.push(e.type));
  const address = await w.address('a', 'dup');
  await router.bind(address);
  const first = w.socket('b', 'dealer', { routingId: 'same' });
  first.connect(address);
  await first.send('from-first');
  expect(text(await router.receive())).toEqual(['same', 'from-first']);
  const second = w.socket('c', 'dealer', { routingId: 'same' });
  const secondEvents: string[] = [];
  for (const type of ['connect', 'handshake', 'disconnect'] as const) second.events.on(type, (e) => secondEvents.push(e.type));
  second.connect(address);
  await second.send('from-second');
  const next = router.receive();
  expect(await stillPending(w, next, 500)).toBe(true);
  const firstGot = collect(first);
  const secondGot = collect(second);
  await router.send(['same', 'reply']);
  await w.waitFor(() => firstGot.length === 1);
  await w.sleep(100);
  expect(firstGot).toEqual([['reply']]);
  expect(secondGot).toEqual([]);
  // The refusal comes after the ZMTP handshake: both sides report it, and neither a disconnect (inproc reports nothing).
  const tcpOrIpc = w.scheme !== 'inproc';
  expect(secondEvents).toEqual(tcpOrIpc ? ['connect', 'handshake'] : []);
  expect(routerEvents).toEqual(tcpOrIpc ? ['accept', 'handshake', 'accept', 'handshake'] : []);
  // Even once the first leaves, what the second sent never arrives.
  first.close();
  expect(await stillPending(w, next, 500)).toBe(true);
});

describeWorlds('ROUTER mandatory: EHOSTUNREACH for an unknown identity once peers exist; a send with no peer at all waits', EVERY_WORLD, async (w) => {
  const router = w.socket('a', 'router', { mandatory: true });
  const address = await w.address('a', 'mandatory');
  await router.bind(address);
  // No peers: nothing is writable, the send waits (it is not rejected).
  const waiting = router.send(['nobody', 'x']);
  expect(await stillPending(w, waiting, 300)).toBe(true);
  const dealer = w.socket('b', 'dealer', { routingId: 'known' });
  dealer.connect(address);
  // Once a peer is there the waiting send is routed, and its identity is unknown.
  const outcome = await failureOf(() => waiting);
  expect(outcome?.error).toMatchObject({ code: 'EHOSTUNREACH' });
  const unknown = await failureOf(() => router.send(['stranger', 'x']));
  expect(unknown?.sync).toBe(false);
  expect(unknown?.error).toMatchObject({ code: 'EHOSTUNREACH' });
  await router.send(['known', 'ok']);
  expect(text(await dealer.receive())).toEqual(['ok']);
});

describeWorlds('a peer without a routingId gets a 5-byte identity starting with 0, and replies reach it', EVERY_WORLD, async (w) => {
  const router = w.socket('a', 'router');
  const address = await w.address('a', 'auto-id');
  await router.bind(address);
  const dealers = ['b', 'c'].map((host) => w.socket(host, 'dealer'));
  for (const dealer of dealers) dealer.connect(address);
  for (const dealer of dealers) await dealer.send('hi');
  const identities = [(await router.receive())[0]!, (await router.receive())[0]!];
  for (const identity of identities) {
    expect(identity.length).toBe(5);
    expect(identity[0]).toBe(0);
  }
  expect(Buffer.from(identities[0]!).equals(Buffer.from(identities[1]!))).toBe(false);
  await router.send([identities[1]!, 'for the second']);
  await router.send([identities[0]!, 'for the first']);
  const replies = await Promise.all(dealers.map(async (dealer) => text(await dealer.receive())[0]));
  expect(replies.sort()).toEqual(['for the first', 'for the second']);
});
