// Proves socket.events over a real zeromq.js tcp pair: bind, accept, connect, handshake, disconnect and end are observed with their addresses, on() and receive() work together, connect:retry carries intervalMs, a bad greeting is a handshake:error, the queue is bounded, and it all ends with the socket.
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toSocketEvent, SOCKET_EVENTS_BUFFERED_MAX } from '../../../src/adapters/socket-events-zmq.js';
import { TransportZmq } from '../../../src/adapters/transport-zmq.js';
import type { SocketEvent, SocketEvents } from '../../../src/core/transport.js';

const transports: TransportZmq[] = [];
const netSockets: NetSocket[] = [];

function transport(): TransportZmq {
  const t = new TransportZmq();
  transports.push(t);
  return t;
}

afterEach(async () => {
  for (const s of netSockets.splice(0)) s.destroy();
  for (const t of transports.splice(0)) await t.close();
});

async function waitFor(condition: () => boolean, what: string | (() => string), timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what}: not within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Receives events until one of `type` arrives (deadline), returning all received on the way. */
async function receiveUntil(events: SocketEvents, type: string, timeoutMs = 5000): Promise<SocketEvent[]> {
  const seen: SocketEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!seen.some((e) => e.type === type)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${type} event within ${timeoutMs}ms (saw ${seen.map((e) => e.type).join(', ')})`);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs}ms`)), left)));
    seen.push(await Promise.race([events.receive(), expired]).finally(() => clearTimeout(timer)));
  }
  return seen;
}

describe('socket events on a real tcp pair', () => {
  it('reports bind, accept, connect, handshake, disconnect and end, with addresses', async () => {
    const t = transport();
    const router = t.socket('router', { lingerMs: 0 });
    const routerSeen: SocketEvent[] = [];
    for (const type of ['bind', 'accept', 'handshake', 'disconnect'] as const) router.events.on(type, (e) => routerSeen.push(e));
    await router.bind('tcp://127.0.0.1:*');
    const endpoint = router.lastEndpoint!;

    const dealer = t.socket('dealer', { lingerMs: 0 });
    const dealerSeen = receiveUntil(dealer.events, 'handshake');
    dealer.connect(endpoint);
    const dealerEvents = await dealerSeen;
    expect(dealerEvents.map((e) => e.type)).toContain('connect');
    expect(dealerEvents.every((e) => e.address === endpoint)).toBe(true);

    await waitFor(() => routerSeen.some((e) => e.type === 'handshake'), 'router handshake');
    expect(routerSeen.find((e) => e.type === 'bind')).toEqual({ type: 'bind', address: endpoint });
    expect(routerSeen.find((e) => e.type === 'accept')?.address).toBe(endpoint);

    dealer.close();
    await waitFor(() => routerSeen.some((e) => e.type === 'disconnect'), 'router disconnect');
    expect(routerSeen.find((e) => e.type === 'disconnect')?.address).toBe(endpoint);
    // The dealer's own events end with 'end', then receive rejects and iteration finishes.
    const tail = await receiveUntil(dealer.events, 'end');
    expect(tail[tail.length - 1]).toEqual({ type: 'end', address: '' });
    await expect(dealer.events.receive()).rejects.toMatchObject({ code: 'EBADF' });
    const rest: SocketEvent[] = [];
    for await (const e of dealer.events) rest.push(e);
    expect(rest).toEqual([]);
  });

  it('connect:retry carries the interval when no one serves the address; the listener stops when removed', async () => {
    const t = transport();
    const holder = t.socket('router', { lingerMs: 0 });
    await holder.bind('tcp://127.0.0.1:*');
    const endpoint = holder.lastEndpoint!;
    await holder.unbind(endpoint); // a port that was free a moment ago and now has no listener
    const dealer = t.socket('dealer', { lingerMs: 0, reconnectIntervalMs: 20 });
    const retries: SocketEvent[] = [];
    const stop = dealer.events.on('connect:retry', (e) => retries.push(e));
    dealer.connect(endpoint);
    await waitFor(() => retries.length >= 2, 'two connect:retry events');
    // libzmq 4.3 adds a random jitter of up to one interval to each retry.
    expect(retries[0]).toMatchObject({ type: 'connect:retry', address: endpoint });
    expect(retries[0]!.intervalMs).toBeGreaterThanOrEqual(20);
    expect(retries[0]!.intervalMs).toBeLessThan(40);
    stop();
    const count = retries.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(retries.length).toBe(count);
  });

  it('a peer that does not speak ZMTP gives handshake:error with an error code', async () => {
    const t = transport();
    const router = t.socket('router', { lingerMs: 0 });
    const errors: SocketEvent[] = [];
    router.events.on('handshake:error', (e) => errors.push(e));
    await router.bind('tcp://127.0.0.1:*');
    const port = Number(router.lastEndpoint!.split(':')[2]);
    // A ZMTP 3 signature, then a greeting naming a mechanism that does not exist.
    const greeting = Buffer.concat([Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0]), Buffer.alloc(52, 0x41)]);
    const garbage = netConnect(port, '127.0.0.1', () => garbage.write(greeting));
    garbage.on('error', () => {});
    netSockets.push(garbage);
    await waitFor(() => errors.length > 0, 'handshake:error');
    expect(errors[0]!.type).toBe('handshake:error');
    expect(errors[0]).toEqual({ type: 'handshake:error', address: router.lastEndpoint, errorCode: 'ERR_ZMTP_MECHANISM_MISMATCH' });
  });

  it('keeps at most 1000 unreceived events, dropping the oldest, while listeners see every one', async () => {
    const socket = transport().socket('router', { lingerMs: 0 });
    const heard: SocketEvent[] = [];
    socket.events.on('bind', (e) => heard.push(e));
    socket.events.on('close', (e) => heard.push(e));
    // Each bind then unbind is a 'bind' and a 'close' event: 1200 events, 200 more than are kept.
    const pairs = SOCKET_EVENTS_BUFFERED_MAX / 2 + 100;
    const endpoints: string[] = [];
    for (let i = 0; i < pairs; i++) {
      await socket.bind('tcp://127.0.0.1:*');
      endpoints.push(socket.lastEndpoint!);
      await socket.unbind(socket.lastEndpoint!);
    }
    // libzmq's monitor runs behind its I/O thread: on a loaded machine the last events can take seconds.
    await waitFor(() => heard.length >= 2 * pairs, () => `every event heard by the listeners (heard ${heard.length} of ${2 * pairs})`, 20_000);
    expect(heard).toHaveLength(2 * pairs);
    const queued: SocketEvent[] = [];
    for (let i = 0; i < SOCKET_EVENTS_BUFFERED_MAX; i++) queued.push(await socket.events.receive());
    // Exactly the newest 1000 were kept, in the order the listeners heard them. libzmq reports a
    // 'close' from its I/O thread, so under load one may come after the next 'bind': compare with
    // what was heard, not with a strict bind/close alternation.
    expect(queued).toEqual(heard.slice(200));
    expect(queued).toContainEqual({ type: 'bind', address: endpoints[pairs - 1] });
    expect(queued).toContainEqual({ type: 'close', address: endpoints[pairs - 1] });
  });

  it('events of a socket closed before first use end at once', async () => {
    const socket = transport().socket('push', { lingerMs: 0 });
    socket.close();
    await expect(socket.events.receive()).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('maps zeromq.js event names', () => {
    const error = Object.assign(new Error('x'), { code: 'ERR_ZMTP_UNEXPECTED_COMMAND', errno: 0 });
    expect(toSocketEvent({ type: 'handshake:error:protocol', address: 'tcp://a:1', error } as never)).toEqual({
      type: 'handshake:error',
      address: 'tcp://a:1',
      errorCode: 'ERR_ZMTP_UNEXPECTED_COMMAND',
    });
    expect(toSocketEvent({ type: 'unknown' })).toBeUndefined();
    expect(toSocketEvent({ type: 'end' })).toEqual({ type: 'end', address: '' });
  });
});
