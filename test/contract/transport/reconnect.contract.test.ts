// Proves the connection lifecycle the simulation shares with real zeromq.js: a send before any peer waits (no connect) or
// queues (connected, nobody bound yet); a bind after the connect is reached at the next reconnect try (100ms + jitter by
// default, with backoff when reconnectIntervalMsMax is set; at once over inproc); a peer that restarts gets what was sent
// while it was down, not what it had received unread; a connect to an address no one serves returns and keeps retrying.
import { expect } from 'vitest';
import { collect, describeWorlds, stillPending } from './worlds.js';

/** Real timers on a loaded machine fire late, never early: upper bounds get this much slack. */
const SLACK_MS = 400;

describeWorlds('send before any peer: a PUSH that never connected waits; a connected one queues until the peer binds', ['sim', 'sim-ipc', 'sim-inproc', 'tcp', 'ipc', 'inproc'], async (w) => {
  const lonely = w.socket('a', 'push');
  expect(await stillPending(w, lonely.send('nowhere'))).toBe(true);
  const address = await w.address('b', 'early');
  const push = w.socket('a', 'push');
  push.connect(address);
  await push.send('early'); // queued in the connecting pipe (ZeroMQ without ZMQ_IMMEDIATE)
  const pull = w.socket('b', 'pull');
  await pull.bind(address);
  const got = collect(pull);
  await w.waitFor(() => got.length === 1, { what: 'the early message', timeoutMs: 5000 });
  expect(got).toEqual([['early']]);
});

describeWorlds('bind after connect (tcp, ipc): delivered at the next reconnect try, 100ms + jitter after the failed one', ['sim', 'tcp', 'sim-ipc', 'ipc'], async (w) => {
  const address = await w.address('b', 'late-bind');
  const push = w.socket('a', 'push');
  const connectedAtMs = w.now();
  push.connect(address); // the try now finds nobody; the next is 100-200ms later
  await push.send('m');
  await w.sleep(30);
  const pull = w.socket('b', 'pull');
  await pull.bind(address);
  const got = collect(pull);
  await w.waitFor(() => got.length === 1, { what: 'delivery after the reconnect interval', timeoutMs: 5000 });
  const delayMs = w.now() - connectedAtMs;
  expect(delayMs).toBeGreaterThanOrEqual(95);
  expect(delayMs).toBeLessThan(200 + SLACK_MS);
});

describeWorlds('bind after connect (inproc): delivered as soon as the name is bound, no reconnect interval', ['sim-inproc', 'inproc'], async (w) => {
  const address = await w.address('b', 'late-bind');
  const push = w.socket('a', 'push', { reconnectIntervalMs: 5000 });
  push.connect(address);
  await push.send('m');
  await w.sleep(30);
  const pull = w.socket('b', 'pull');
  const boundAtMs = w.now();
  await pull.bind(address);
  const got = collect(pull);
  await w.waitFor(() => got.length === 1, { what: 'delivery on bind', timeoutMs: 2000 });
  expect(w.now() - boundAtMs).toBeLessThan(SLACK_MS);
});

describeWorlds(
  'reconnect backoff: with reconnectIntervalMsMax the waits double (200, 400, 800ms + jitter), so a bind at 1050ms is reached at the third retry',
  ['sim', 'tcp'],
  async (w) => {
    const address = await w.address('b', 'backoff');
    const push = w.socket('a', 'push', { reconnectIntervalMs: 200, reconnectIntervalMsMax: 1600 });
    const connectedAtMs = w.now();
    push.connect(address);
    await push.send('m');
    // Tries at 0, then t1 in [200, 400), t2 = t1 + [400, 600) in [600, 1000), t3 = t2 + [800, 1000) in [1400, 2000).
    await w.sleep(1050 - (w.now() - connectedAtMs));
    const pull = w.socket('b', 'pull');
    await pull.bind(address);
    const got = collect(pull);
    await w.waitFor(() => got.length === 1, { what: 'delivery at the third retry', timeoutMs: 5000 });
    const delayMs = w.now() - connectedAtMs;
    expect(delayMs).toBeGreaterThanOrEqual(1400 - 5);
    expect(delayMs).toBeLessThan(2000 + SLACK_MS);
  },
  { timeoutMs: 15_000 },
);

describeWorlds(
  'peer restart: what was sent while the PULL was down arrives after it binds again; what it had received unread is lost',
  ['sim', 'sim-ipc', 'tcp', 'ipc'],
  async (w) => {
    const address = await w.address('b', 'restart');
    const first = w.socket('b', 'pull');
    await first.bind(address);
    const push = w.socket('a', 'push');
    push.connect(address);
    for (const m of ['r1', 'r2', 'r3']) await push.send(m);
    await w.sleep(300); // they reach the first PULL, which never reads them
    first.close();
    await w.sleep(300); // the PUSH notices and starts retrying
    for (const m of ['d1', 'd2', 'd3']) await push.send(m);
    const second = w.socket('b', 'pull');
    await second.bind(address);
    const got = collect(second);
    await w.waitFor(() => got.length === 3, { what: 'the messages sent while down', timeoutMs: 5000 });
    await w.sleep(300);
    expect(got).toEqual([['d1'], ['d2'], ['d3']]);
  },
  { timeoutMs: 15_000 },
);

describeWorlds('connect to an address no one serves: connect returns, and the socket keeps trying until someone binds', ['sim', 'sim-ipc', 'tcp', 'ipc'], async (w) => {
  const address = await w.address('b', 'unserved');
  const push = w.socket('a', 'push');
  expect(() => push.connect(address)).not.toThrow();
  await push.send('waits');
  await w.sleep(1500); // a dozen failed tries
  const pull = w.socket('b', 'pull');
  const boundAtMs = w.now();
  await pull.bind(address);
  const got = collect(pull);
  await w.waitFor(() => got.length === 1, { what: 'delivery once someone binds', timeoutMs: 5000 });
  expect(got).toEqual([['waits']]);
  expect(w.now() - boundAtMs).toBeLessThan(200 + SLACK_MS);
});
