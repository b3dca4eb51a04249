// Proves lastEndpoint and ephemeral binds (tcp://host:*) behave in the simulation as in real zeromq.js: the chosen port is reported and reachable, wildcard unbind is refused, a taken address is EADDRINUSE.
import { expect } from 'vitest';
import { EVERY_WORLD, collect, describeWorlds, failureOf, TCP_WORLDS, text } from './worlds.js';

describeWorlds('tcp://host:* binds a free port that lastEndpoint names, and peers reach it there', TCP_WORLDS, async (w) => {
  const pull = w.socket('b', 'pull');
  expect(pull.lastEndpoint).toBeNull();
  await pull.bind(w.anyPort('b'));
  const endpoint = pull.lastEndpoint as string;
  expect(endpoint).toMatch(/^tcp:\/\/.+:\d+$/);
  const port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
  expect(port).toBeGreaterThan(0);
  expect(port).toBeLessThanOrEqual(65535);
  // A second ephemeral bind gets another port.
  const other = w.socket('b', 'pull');
  await other.bind(w.anyPort('b'));
  expect(other.lastEndpoint).not.toBe(endpoint);
  const push = w.socket('a', 'push');
  push.connect(endpoint);
  await push.send('hi');
  expect(text(await pull.receive())).toEqual(['hi']);
  // Unbinding needs the endpoint actually bound, not the wildcard.
  expect(await failureOf(() => pull.unbind(w.anyPort('b')))).toMatchObject({ sync: false, error: { code: 'ENOENT' } });
  await pull.unbind(endpoint);
  // lastEndpoint keeps the last value.
  expect(pull.lastEndpoint).toBe(endpoint);
});

describeWorlds('tcp://*:* reports the any-interface address 0.0.0.0 with the chosen port', TCP_WORLDS, async (w) => {
  const pull = w.socket('b', 'pull');
  await pull.bind('tcp://*:*');
  expect(pull.lastEndpoint).toMatch(/^tcp:\/\/0\.0\.0\.0:\d+$/);
});

describeWorlds('lastEndpoint names a named address as bound, and a connect sets it too', EVERY_WORLD, async (w) => {
  const pull = w.socket('b', 'pull');
  const address = await w.address('b', 'named');
  await pull.bind(address);
  expect(pull.lastEndpoint).toBe(address);
  const push = w.socket('a', 'push');
  expect(push.lastEndpoint).toBeNull();
  push.connect(address);
  expect(push.lastEndpoint).toBe(address);
});

describeWorlds('binding a tcp port or inproc name already bound rejects with EADDRINUSE', ['sim', 'tcp', 'inproc', 'sim-inproc'], async (w) => {
  const first = w.socket('b', 'pull');
  const address = await w.address('b', 'taken');
  await first.bind(address);
  const second = w.socket('b', 'pull');
  expect(await failureOf(() => second.bind(address))).toMatchObject({ sync: false, error: { code: 'EADDRINUSE' } });
});

describeWorlds('ipc: binding a path already bound succeeds, and the new socket takes the path over', ['ipc', 'sim-ipc'], async (w) => {
  const first = w.socket('b', 'pull');
  const address = await w.address('b', 'taken');
  await first.bind(address);
  const second = w.socket('b', 'pull');
  await second.bind(address);
  const push = w.socket('a', 'push');
  push.connect(address);
  await push.send('to whoever holds the path');
  const got = collect(second);
  await w.waitFor(() => got.length === 1);
  expect(got).toEqual([['to whoever holds the path']]);
});

describeWorlds('disconnect discards what arrived through that connection and was not read yet (zmq_disconnect)', EVERY_WORLD, async (w) => {
  const push = w.socket('b', 'push');
  const address = await w.address('b', 'disconnect-unread');
  await push.bind(address);
  const pull = w.socket('a', 'pull', { receiveTimeoutMs: 300 });
  pull.connect(address);
  for (let i = 0; i < 4; i++) await push.send(`m${i}`);
  expect(text(await pull.receive())).toEqual(['m0']);
  await w.sleep(200); // m1..m3 are in the PULL's queue by now
  pull.disconnect(address);
  expect(await failureOf(() => pull.receive())).toMatchObject({ sync: false, error: { code: 'EAGAIN' } });
});
