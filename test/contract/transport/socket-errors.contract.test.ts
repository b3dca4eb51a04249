// Proves EBUSY and use-after-close (EBADF) throw synchronously, close rejects what was waiting, and sends on receive-only sockets stay pending, in the simulation as in real zeromq.js.
import { expect } from 'vitest';
import { EVERY_WORLD, describeWorlds, failureOf, stillPending } from './worlds.js';

describeWorlds('a second concurrent send or receive throws EBUSY synchronously', EVERY_WORLD, async (w) => {
  const push = w.socket('a', 'push');
  const first = push.send('no peer yet');
  void first.catch(() => undefined);
  expect(await failureOf(() => push.send('again'))).toMatchObject({ sync: true, error: { code: 'EBUSY' } });
  const pull = w.socket('b', 'pull');
  const receiving = pull.receive();
  void receiving.catch(() => undefined);
  expect(await failureOf(() => pull.receive())).toMatchObject({ sync: true, error: { code: 'EBUSY' } });
});

describeWorlds('close rejects the pending send and receive with EAGAIN; later calls throw EBADF synchronously', EVERY_WORLD, async (w) => {
  const push = w.socket('a', 'push');
  const pull = w.socket('b', 'pull');
  const sending = failureOf(() => push.send('x'));
  const receiving = failureOf(() => pull.receive());
  push.close();
  pull.close();
  expect(await sending).toMatchObject({ sync: false, error: { code: 'EAGAIN' } });
  expect(await receiving).toMatchObject({ sync: false, error: { code: 'EAGAIN' } });
  expect(push.closed && pull.closed).toBe(true);
  const address = await w.address('a', 'closed');
  for (const call of [() => push.send('x'), () => pull.receive(), () => pull.bind(address), () => push.connect(address)]) {
    expect(await failureOf(call)).toMatchObject({ sync: true, error: { code: 'EBADF' } });
  }
  // A second close does nothing.
  expect(() => push.close()).not.toThrow();
});

describeWorlds('send on a receive-only socket (pull, sub) and receive on a send-only one (push, pub) stay pending', EVERY_WORLD, async (w) => {
  for (const [type, op] of [['pull', 'send'], ['sub', 'send'], ['push', 'receive'], ['pub', 'receive']] as const) {
    const socket = w.socket('a', type);
    const call = op === 'send' ? socket.send('x') : socket.receive();
    expect(await stillPending(w, call as Promise<unknown>, 100), `${op} on ${type}`).toBe(true);
    socket.close();
    await call.catch(() => undefined);
  }
});
