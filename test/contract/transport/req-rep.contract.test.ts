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
