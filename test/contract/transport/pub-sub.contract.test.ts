// Proves PUB/SUB prefix filtering, unsubscribe (subscriptions count), multipart topics, slow joiners and the bound SUB that has not received yet behave in the simulation as in real zeromq.js.
import { expect } from 'vitest';
import type { Socket } from '../../../src/core/transport.js';
import { EVERY_WORLD, collect, describeWorlds, EVERY_STREAM_WORLD, type World } from './worlds.js';

let probeSeq = 0;
const PROBE = '~probe';

/**
 * Returns once every subscription change the SUB made so far has reached the PUB: a probe
 * subscription made last travels behind them on the same pipe, so when a probe arrives they are
 * all applied. Probe messages are left out of what the bodies compare (`withoutProbes`).
 */
async function syncSubscriptions(w: World, pub: Socket, sub: Socket, got: string[][]): Promise<void> {
  const probe = `${PROBE}-${probeSeq++}`;
  sub.subscribe(probe);
  while (!got.some(([m]) => m === probe)) {
    await pub.send(probe);
    await w.sleep(10);
  }
  sub.unsubscribe(probe);
}

function withoutProbes(got: string[][]): string[][] {
  return got.filter(([m]) => !m!.startsWith(PROBE));
}

/** A SUB connected to a bound PUB, its subscriptions through, receiving into `got`. */
async function connectedPair(w: World, prefixes: string[]): Promise<{ pub: Socket; sub: Socket; got: string[][] }> {
  const pub = w.socket('a', 'pub');
  const address = await w.address('a', 'pub');
  await pub.bind(address);
  const sub = w.socket('b', 'sub');
  for (const prefix of prefixes) sub.subscribe(prefix);
  sub.connect(address);
  const got = collect(sub);
  await syncSubscriptions(w, pub, sub, got);
  return { pub, sub, got };
}

describeWorlds('SUB receives only messages whose first frame starts with a subscribed prefix', EVERY_WORLD, async (w) => {
  const { pub, got } = await connectedPair(w, ['weather.', 'news']);
  for (const topic of ['weather.rain', 'sports', 'news', 'newsflash', 'weathe', 'weather.']) await pub.send([topic, 'body']);
  await pub.send('end-news');
  await w.waitFor(() => withoutProbes(got).length >= 4);
  await w.sleep(100);
  expect(withoutProbes(got)).toEqual([
    ['weather.rain', 'body'],
    ['news', 'body'],
    ['newsflash', 'body'],
    ['weather.', 'body'],
  ]);
});

describeWorlds('multipart: the filter looks at the first frame only, and the whole message arrives', EVERY_WORLD, async (w) => {
  const { pub, got } = await connectedPair(w, ['t']);
  await pub.send(['x', 't-in-second-frame']);
  await pub.send(['t1', 'a', 'b', 'c']);
  await w.waitFor(() => withoutProbes(got).length >= 1);
  await w.sleep(100);
  expect(withoutProbes(got)).toEqual([['t1', 'a', 'b', 'c']]);
});

describeWorlds('unsubscribe: subscriptions are counted; the topic stops after as many unsubscribes as subscribes', EVERY_WORLD, async (w) => {
  const { pub, sub, got } = await connectedPair(w, ['a', 'a']);
  sub.unsubscribe('a');
  await syncSubscriptions(w, pub, sub, got);
  await pub.send('a1');
  await w.waitFor(() => withoutProbes(got).length === 1);
  sub.unsubscribe('a');
  await syncSubscriptions(w, pub, sub, got);
  await pub.send('a2');
  await pub.send('unrelated');
  await w.sleep(200);
  expect(withoutProbes(got)).toEqual([['a1']]);
});

describeWorlds('slow joiner: what is published before the subscription reaches the PUB is lost; the rest arrives in order', EVERY_WORLD, async (w) => {
  const pub = w.socket('a', 'pub');
  const address = await w.address('a', 'slow');
  await pub.bind(address);
  const sub = w.socket('b', 'sub');
  sub.subscribe('');
  sub.connect(address);
  const got = collect(sub);
  const total = 200;
  for (let i = 0; i < total; i++) {
    await pub.send(String(i));
    if (i % 10 === 9) await w.sleep(1);
  }
  await w.waitFor(() => got.at(-1)?.[0] === String(total - 1), { what: 'the last message' });
  const numbers = got.map(([m]) => Number(m));
  // A contiguous tail: the first messages may be lost, nothing after the first one received is.
  expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => total - numbers.length + i));
  expect(numbers.length).toBeGreaterThan(0);
});

describeWorlds('a bound SUB that has not received yet: what the connecting PUB publishes then is lost', EVERY_STREAM_WORLD, async (w) => {
  const sub = w.socket('a', 'sub');
  sub.subscribe('');
  const address = await w.address('a', 'boundsub');
  await sub.bind(address);
  const pub = w.socket('b', 'pub');
  let handshakes = 0;
  pub.events.on('handshake', () => handshakes++);
  pub.connect(address);
  await w.waitFor(() => handshakes === 1, { what: 'the PUB connected' });
  await w.sleep(200);
  for (let i = 0; i < 5; i++) await pub.send(`early${i}`);
  await w.sleep(200);
  // The first receive makes the SUB take the connection and send its subscription.
  const got = collect(sub);
  await syncSubscriptions(w, pub, sub, got);
  for (let i = 0; i < 3; i++) await pub.send(`late${i}`);
  await w.waitFor(() => withoutProbes(got).length === 3);
  await w.sleep(100);
  expect(withoutProbes(got)).toEqual([['late0'], ['late1'], ['late2']]);
});

describeWorlds('a connecting SUB gets what is published after its subscription, without receiving first', EVERY_WORLD, async (w) => {
  const pub = w.socket('a', 'pub');
  const address = await w.address('a', 'connsub');
  await pub.bind(address);
  const sub = w.socket('b', 'sub');
  sub.subscribe('');
  let handshakes = 0;
  sub.events.on('handshake', () => handshakes++);
  sub.connect(address);
  // No receive before publishing: wait for the connection, then leave the subscription time to travel.
  // (inproc reports no events: its connect to a bound name completes within the call.)
  if (w.scheme !== 'inproc') await w.waitFor(() => handshakes === 1, { what: 'the SUB connected' });
  await w.sleep(300);
  for (let i = 0; i < 3; i++) await pub.send(`m${i}`);
  await w.sleep(200);
  const got = collect(sub);
  await w.waitFor(() => got.length === 3);
  expect(got).toEqual([['m0'], ['m1'], ['m2']]);
});

describeWorlds('a PUB with no subscriber never blocks: sends resolve and the messages are gone', EVERY_WORLD, async (w) => {
  const pub = w.socket('a', 'pub', { sendHighWaterMark: 10 });
  const address = await w.address('a', 'lonely');
  await pub.bind(address);
  for (let i = 0; i < 100; i++) await pub.send(`m${i}`);
  const sub = w.socket('b', 'sub');
  sub.subscribe('');
  sub.connect(address);
  const got = collect(sub);
  await syncSubscriptions(w, pub, sub, got);
  expect(withoutProbes(got)).toEqual([]);
});
