// Proves PUSH round-robins over its connected PULLs and a PULL fair-queues its PUSH peers, in the simulation and in real zeromq.js.
import { expect } from 'vitest';
import { EVERY_WORLD, collect, describeWorlds, stillPending, text } from './worlds.js';

describeWorlds('PUSH round-robins over its connected PULL peers, one message each in turn', EVERY_WORLD, async (w) => {
  const push = w.socket('a', 'push');
  const address = await w.address('a', 'rr');
  await push.bind(address);
  const pulls = ['b', 'c', 'd'].map((host) => w.socket(host, 'pull'));
  for (const pull of pulls) pull.connect(address);
  // Receive only after connecting: over inproc a receive already pending at connect never wakes (below).
  const got = pulls.map((pull) => collect(pull));
  // Probe until every peer is attached (a message reaches each), so the round below sees all three.
  let sent = 0;
  while (got.some((g) => g.length === 0)) {
    await push.send(`warm-${sent++}`);
    await w.sleep(5);
  }
  await w.waitFor(() => got.reduce((n, g) => n + g.length, 0) === sent, { what: 'warm-up delivered' });
  for (let i = 0; i < 30; i++) await push.send(`m${i}`);
  await w.waitFor(() => got.reduce((n, g) => n + g.length, 0) === sent + 30, { what: 'all delivered' });
  const rounds = got.map((g) => g.filter(([m]) => m!.startsWith('m')).map(([m]) => Number(m!.slice(1))));
  expect(rounds.map((r) => r.length)).toEqual([10, 10, 10]);
  // Each peer gets every third message, in order.
  for (const r of rounds) for (let i = 1; i < r.length; i++) expect(r[i]! - r[i - 1]!).toBe(3);
});

describeWorlds('PULL fair-queues: one message from each peer with messages waiting, in turn', EVERY_WORLD, async (w) => {
  const pull = w.socket('a', 'pull');
  const address = await w.address('a', 'fq');
  await pull.bind(address);
  const counts: Record<string, number> = { b: 6, c: 3, d: 2 };
  for (const host of Object.keys(counts)) {
    const push = w.socket(host, 'push');
    push.connect(address);
    for (let i = 0; i < counts[host]!; i++) await push.send(`${host}${i}`);
  }
  // Let every message reach the PULL's pipes before reading (generous: a loaded machine is slow).
  await w.sleep(500);
  const order: string[] = [];
  for (let i = 0; i < 11; i++) order.push(text(await pull.receive())[0]!);
  // Per-peer order is kept, and the peers alternate while each has messages: b c d b c d b c b b b (up to peer order).
  const sources = order.map((m) => m[0]!);
  expect(new Set(sources.slice(0, 3)).size).toBe(3);
  expect(sources.slice(3, 6)).toEqual(sources.slice(0, 3));
  expect(new Set(sources.slice(6, 8))).toEqual(new Set(['b', 'c']));
  expect(sources.slice(8)).toEqual(['b', 'b', 'b']);
  for (const host of ['b', 'c', 'd']) {
    expect(order.filter((m) => m[0] === host)).toEqual(Array.from({ length: counts[host]! }, (_, i) => `${host}${i}`));
  }
});

describeWorlds('inproc quirk: a receive already pending when the socket connects never wakes (zeromq.js 6.8)', ['inproc'], async (w) => {
  const push = w.socket('a', 'push');
  const address = await w.address('a', 'quirk');
  await push.bind(address);
  const pull = w.socket('b', 'pull');
  const early = pull.receive();
  pull.connect(address);
  await push.send('x');
  expect(await stillPending(w, early, 300)).toBe(true);
});
