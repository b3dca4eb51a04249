// Proves REQ/REP out-of-turn calls stay pending (zeromq.js never raises EFSM), a third concurrent call throws EBUSY, and a REQ whose receive timed out is stuck, in the simulation as in real zeromq.js.
import { expect } from 'vitest';
import type { Socket } from '../../../src/core/transport.js';
import { EVERY_WORLD, describeWorlds, failureOf, stillPending, text, track, type World } from './worlds.js';

async function pair(w: World, reqOptions = {}): Promise<{ req: Socket; rep: Socket; address: string }> {
  const rep = w.socket('b', 'rep');
  const address = await w.address('b', 'reqrep');
  await rep.bind(address);
  const req = w.socket('a', 'req', reqOptions);
  req.connect(address);
  return { req, rep, address };
}

describeWorlds("REQ: a second send before the reply stays pending, and goes out once the reply arrives", EVERY_WORLD, async (w) => {
  const { req, rep } = await pair(w);
  await req.send('one');
  const second = track(req.send('two'));
  expect(text(await rep.receive())).toEqual(['one']);
  await w.sleep(200);
  expect(second.settled).toBe(false);
  await rep.send('reply-one');
  expect(text(await req.receive())).toEqual(['reply-one']);
  await w.waitFor(() => second.settled);
  expect(second.error).toBeUndefined();
  expect(text(await rep.receive())).toEqual(['two']);
});

describeWorlds('REQ: a receive before any send stays pending, and gets the reply to the next request', EVERY_WORLD, async (w) => {
  const { req, rep } = await pair(w);
  const early = track(req.receive());
  await w.sleep(200);
  expect(early.settled).toBe(false);
  await req.send('q');
  expect(text(await rep.receive())).toEqual(['q']);
  await rep.send('a');
  await w.waitFor(() => early.settled);
  expect(text(early.value!)).toEqual(['a']);
});

describeWorlds('REP: a send before any request stays pending, and becomes the reply to the next request', EVERY_WORLD, async (w) => {
  const { req, rep } = await pair(w);
  const early = track(rep.send('early'));
  await w.sleep(200);
  expect(early.settled).toBe(false);
  await req.send('q');
  expect(text(await rep.receive())).toEqual(['q']);
  await w.waitFor(() => early.settled);
  expect(text(await req.receive())).toEqual(['early']);
  // And a receive while the reply is owed waits for it.
  await req.send('q2');
  await rep.receive();
  const owed = rep.receive();
  expect(await stillPending(w, owed, 200)).toBe(true);
});

describeWorlds('REQ: with a send and a receive pending, a third call throws EBUSY synchronously', EVERY_WORLD, async (w) => {
  const { req } = await pair(w);
  await req.send('one');
  const second = req.send('two');
  const receiving = req.receive();
  void second.catch(() => undefined);
  void receiving.catch(() => undefined);
  const sendAgain = await failureOf(() => req.send('three'));
  expect(sendAgain).toMatchObject({ sync: true, error: { code: 'EBUSY' } });
  const receiveAgain = await failureOf(() => req.receive());
  expect(receiveAgain).toMatchObject({ sync: true, error: { code: 'EBUSY' } });
});

describeWorlds('REQ: after a receive times out the socket cannot be reused (lazy pirate needs a new socket)', EVERY_WORLD, async (w) => {
  const { req, rep, address } = await pair(w, { receiveTimeoutMs: 100 });
  await req.send('q1');
  // Nobody answers in time.
  const timedOut = await failureOf(() => req.receive());
  expect(timedOut).toMatchObject({ sync: false, error: { code: 'EAGAIN' } });
  expect(text(await rep.receive())).toEqual(['q1']);
  // The old REQ still waits for the reply to q1: its next request does not go out.
  const retry = req.send('q1-again');
  expect(await stillPending(w, retry, 300)).toBe(true);
  const nothing = rep.send('late');
  await nothing;
  // A fresh REQ works.
  const fresh = w.socket('c', 'req');
  fresh.connect(address);
  await fresh.send('q2');
  expect(text(await rep.receive())).toEqual(['q2']);
  await rep.send('a2');
  expect(text(await fresh.receive())).toEqual(['a2']);
});

describeWorlds('REQ to ROUTER: the router sees [identity, "", ...frames]; a reply with that envelope reaches the REQ', EVERY_WORLD, async (w) => {
  const router = w.socket('b', 'router');
  const address = await w.address('b', 'req-router');
  await router.bind(address);
  const req = w.socket('a', 'req', { routingId: 'client' });
  req.connect(address);
  await req.send(['hello', 'world']);
  const request = await router.receive();
  expect(text(request)).toEqual(['client', '', 'hello', 'world']);
  await router.send([request[0]!, new Uint8Array(0), 'reply']);
  expect(text(await req.receive())).toEqual(['reply']);
});

describeWorlds("DEALER to REP (Toto's layout): ['', id, payload] arrives as [id, payload]; the reply comes back as ['', id, response]", EVERY_WORLD, async (w) => {
  const dealer = w.socket('a', 'dealer');
  const address = await w.address('a', 'toto');
  await dealer.bind(address);
  const rep = w.socket('b', 'rep');
  rep.connect(address);
  await dealer.send(['', 'msg-1', '{"method":"a.b"}']);
  const request = await rep.receive();
  expect(text(request)).toEqual(['msg-1', '{"method":"a.b"}']);
  await rep.send([request[0]!, '{"result":1}']);
  expect(text(await dealer.receive())).toEqual(['', 'msg-1', '{"result":1}']);
});

describeWorlds('REP discards a request without an empty delimiter frame; REQ discards a reply without one over inproc, and over tcp/ipc drops the connection, losing the good reply behind it', EVERY_WORLD, async (w) => {
  const dealer = w.socket('a', 'dealer');
  const address = await w.address('a', 'envelopes');
  await dealer.bind(address);
  const rep = w.socket('b', 'rep');
  rep.connect(address);
  await dealer.send(['no-delimiter']);
  await dealer.send(['', 'ok']);
  // A receive that finds only the malformed request rejects with EAGAIN (next body); the next one gets 'ok'.
  let first: string[] | undefined;
  for (let tries = 0; first === undefined && tries < 3; tries++) {
    first = await rep.receive().then(text, (error: { code?: string }) => {
      expect(error.code).toBe('EAGAIN');
      return undefined;
    });
  }
  expect(first).toEqual(['ok']);
  await rep.send('fine');
  expect(text(await dealer.receive())).toEqual(['', 'fine']);

  const router = w.socket('c', 'router');
  const routerAddress = await w.address('c', 'envelopes-router');
  await router.bind(routerAddress);
  const req = w.socket('d', 'req', { routingId: 'r' });
  req.connect(routerAddress);
  await req.send('q');
  const request = await router.receive();
  await router.send([request[0]!, 'malformed: no delimiter']);
  await router.send([request[0]!, new Uint8Array(0), 'the reply']);
  if (w.scheme === 'inproc') {
    // No session: the REQ discards it; a receive that finds only it rejects EAGAIN, the next gets the reply.
    const reply = await req.receive().catch((error: { code?: string }) => {
      expect(error.code).toBe('EAGAIN');
      return req.receive();
    });
    expect(text(reply)).toEqual(['the reply']);
    return;
  }
  const reply = req.receive();
  // libzmq's REQ session refuses the malformed envelope and resets the connection: the reply
  // behind it is lost with it, and the REQ, still waiting, never gets one.
  expect(await stillPending(w, reply, 500)).toBe(true);
});

describeWorlds('a receive waiting when only a malformed request arrives rejects with EAGAIN (zeromq.js: readable, then nothing to read)', EVERY_WORLD, async (w) => {
  const dealer = w.socket('a', 'dealer');
  const address = await w.address('a', 'eagain');
  await dealer.bind(address);
  const rep = w.socket('b', 'rep');
  rep.connect(address);
  // The connection is up once a well-formed round trip is done.
  await dealer.send(['', 'ping']);
  expect(text(await rep.receive())).toEqual(['ping']);
  await rep.send('pong');
  await dealer.receive();
  const waiting = failureOf(() => rep.receive());
  await dealer.send(['no-delimiter']);
  expect(await waiting).toMatchObject({ sync: false, error: { code: 'EAGAIN' } });
});

describeWorlds('REQ with two peers: a reply from the peer it did not ask is discarded (a receive waiting for it rejects EAGAIN); the real reply still arrives', EVERY_WORLD, async (w) => {
  const routers = [w.socket('b', 'router'), w.socket('c', 'router')];
  const addresses = [await w.address('b', 'req-two-a'), await w.address('c', 'req-two-b')];
  for (const [i, router] of routers.entries()) await router.bind(addresses[i]!);
  const req = w.socket('a', 'req', { routingId: 'q' });
  for (const address of addresses) req.connect(address);
  const seen: number[] = [];
  routers.forEach((router, k) => {
    void (async () => {
      for (;;) {
        await router.receive();
        seen.push(k);
      }
    })().catch(() => undefined);
  });
  // Round trips until both pipes are up (each router heard a request: REQ round-robins them).
  for (let i = 0; i < 20 && !(seen.includes(0) && seen.includes(1)); i++) {
    await req.send('warm');
    await w.waitFor(() => seen.length === i + 1);
    await routers[seen[i]!]!.send(['q', '', 'ok']);
    await req.receive();
  }
  expect(new Set(seen)).toEqual(new Set([0, 1]));
  const before = seen.length;
  await req.send('the request');
  await w.waitFor(() => seen.length === before + 1);
  const asked = seen.at(-1)!;
  const waiting = failureOf(() => req.receive());
  await routers[1 - asked]!.send(['q', '', 'stray']);
  expect(await waiting).toMatchObject({ sync: false, error: { code: 'EAGAIN' } });
  await routers[asked]!.send(['q', '', 'the reply']);
  expect(text(await req.receive())).toEqual(['the reply']);
});
