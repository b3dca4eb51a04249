// Proves maxMessageSize acts as libzmq's does, in the simulation as over real zeromq.js: a bigger message is never delivered, the connection it came on drops (both sides report disconnect) and the sender reconnects.
import { expect } from 'vitest';
import { collect, describeWorlds, EVERY_STREAM_WORLD } from './worlds.js';

describeWorlds('an oversize message is never delivered; its connection drops and the sender reconnects', EVERY_STREAM_WORLD, async (w) => {
  const pull = w.socket('b', 'pull', { maxMessageSize: 100 });
  const pulled: string[] = [];
  for (const type of ['handshake', 'disconnect'] as const) pull.events.on(type, (e) => pulled.push(e.type));
  const address = await w.address('b', 'maxmsg');
  await pull.bind(address);
  const push = w.socket('a', 'push', { reconnectIntervalMs: 20 });
  const pushed: string[] = [];
  for (const type of ['handshake', 'disconnect'] as const) push.events.on(type, (e) => pushed.push(e.type));
  push.connect(address);
  const got = collect(pull);
  await push.send('x'.repeat(100)); // exactly the limit: delivered
  await w.waitFor(() => got.length === 1);
  await push.send(new Uint8Array(101));
  await w.waitFor(() => pulled.includes('disconnect') && pushed.filter((t) => t === 'handshake').length === 2, { what: 'the drop and the reconnection' });
  await push.send('later');
  await w.waitFor(() => got.some(([m]) => m === 'later'));
  expect(got.every(([m]) => m!.length <= 100)).toBe(true);
  expect(pulled.slice(0, 2)).toEqual(['handshake', 'disconnect']);
  expect(pushed.slice(0, 3)).toEqual(['handshake', 'disconnect', 'handshake']);
});

describeWorlds('over inproc maxMessageSize is not enforced (no ZMTP decoder on the path)', ['inproc', 'sim-inproc'], async (w) => {
  const pull = w.socket('b', 'pull', { maxMessageSize: 100 });
  const address = await w.address('b', 'maxmsg');
  await pull.bind(address);
  const push = w.socket('a', 'push');
  push.connect(address);
  await push.send(new Uint8Array(1000));
  expect((await pull.receive())[0]!.length).toBe(1000);
});
