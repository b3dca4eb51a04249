// Proves TransportZmq wraps real zeromq.js sockets: every option reaches libzmq (read back from the socket), tcp://127.0.0.1:* binds report their port in lastEndpoint, messages round-trip, zeromq.js's error codes are kept, bad input gets exact messages, and close() closes everything.
import * as zmq from 'zeromq';
import { afterEach, describe, expect, it } from 'vitest';
import { readSocketOption } from '../../../src/adapters/socket-options-zmq.js';
import type { SocketZmq } from '../../../src/adapters/socket-zmq.js';
import { TransportZmq } from '../../../src/adapters/transport-zmq.js';
import { SOCKET_OPTION_NAMES } from '../../../src/core/socket-options.js';
import { SOCKET_TYPES, type Socket, type SocketOptions } from '../../../src/core/transport.js';

const transports: TransportZmq[] = [];

function transport(options?: ConstructorParameters<typeof TransportZmq>[0]): TransportZmq {
  const t = new TransportZmq(options);
  transports.push(t);
  return t;
}

/** Resolves with `p`, or fails after `ms` instead of hanging. */
function within<T>(p: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no result within ${ms}ms`)), ms)));
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

function raw(socket: Socket): zmq.Socket {
  return (socket as SocketZmq).raw;
}

afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
});

describe('options reach the real socket', () => {
  const given: Required<Omit<SocketOptions, 'mandatory'>> = {
    routingId: 'worker-7',
    sendHighWaterMark: 17,
    receiveHighWaterMark: 23,
    sendTimeoutMs: 1234,
    receiveTimeoutMs: 4321,
    lingerMs: 250,
    reconnectIntervalMs: 40,
    reconnectIntervalMsMax: 800,
    heartbeatIntervalMs: 500,
    heartbeatTimeoutMs: 1500,
    maxMessageSize: 65536,
  };

  it.each(SOCKET_TYPES)('%s: every option reads back from libzmq as given', (type) => {
    const socket = transport().socket(type, { ...given, lingerMs: 0 });
    for (const [key, value] of Object.entries({ ...given, lingerMs: 0 })) {
      expect([key, readSocketOption(raw(socket), key as keyof SocketOptions)]).toEqual([key, value]);
    }
  });

  it('leaves zeromq.js 6.8 / libzmq 4.3 defaults alone when an option is absent (the ones transport.ts documents)', () => {
    const socket = transport().socket('dealer');
    const defaults: Record<string, unknown> = {};
    for (const key of SOCKET_OPTION_NAMES) if (key !== 'mandatory') defaults[key] = readSocketOption(raw(socket), key);
    expect(defaults).toEqual({
      routingId: null,
      sendHighWaterMark: 1000,
      receiveHighWaterMark: 1000,
      sendTimeoutMs: -1,
      receiveTimeoutMs: -1,
      lingerMs: -1,
      reconnectIntervalMs: 100,
      reconnectIntervalMsMax: 0,
      heartbeatIntervalMs: 0,
      heartbeatTimeoutMs: -1,
      maxMessageSize: -1,
    });
    socket.close();
  });

  it('mandatory (write-only in libzmq) shows in behaviour: EHOSTUNREACH for an unknown identity, a silent drop without it', async () => {
    const t = transport();
    for (const mandatory of [true, false]) {
      const router = t.socket('router', { mandatory, lingerMs: 0 });
      await router.bind('tcp://127.0.0.1:*');
      const dealer = t.socket('dealer', { routingId: 'known', lingerMs: 0 });
      dealer.connect(router.lastEndpoint!);
      await within(dealer.send('hi'));
      await within(router.receive());
      const unknown = within(Promise.resolve().then(() => router.send(['nobody', 'x'])));
      if (mandatory) await expect(unknown).rejects.toMatchObject({ code: 'EHOSTUNREACH' });
      else await expect(unknown).resolves.toBeUndefined();
    }
  });

  it('maxMessageSize: an oversize message is never delivered; the receiver drops the connection, the sender reconnects and what it sends then arrives', async () => {
    const t = transport();
    const pull = t.socket('pull', { lingerMs: 0, maxMessageSize: 100 });
    const pulled: string[] = [];
    for (const type of ['handshake', 'disconnect'] as const) pull.events.on(type, (e) => pulled.push(e.type));
    await pull.bind('tcp://127.0.0.1:*');
    const push = t.socket('push', { lingerMs: 0, reconnectIntervalMs: 20 });
    const pushed: string[] = [];
    for (const type of ['handshake', 'disconnect'] as const) push.events.on(type, (e) => pushed.push(e.type));
    push.connect(pull.lastEndpoint!);
    await within(push.send('x'.repeat(100)));
    expect(Buffer.from((await within(pull.receive()))[0]!).toString()).toBe('x'.repeat(100));
    await within(push.send(new Uint8Array(101)));
    // A message sent right behind the oversize one may already be on the connection the PULL
    // breaks, and is lost with it (zeromq.js loses it in over half of tight runs): send once the
    // PUSH is through again. Events come through libzmq's monitor: wait for them.
    const deadline = Date.now() + 10_000;
    while ((pulled.length < 3 || pushed.length < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await within(push.send('after'));
    expect(Buffer.from((await within(pull.receive()))[0]!).toString()).toBe('after');
    expect(pulled).toEqual(['handshake', 'disconnect', 'handshake']);
    expect(pushed).toEqual(['handshake', 'disconnect', 'handshake']);
  });

  it('uses the context it is given', () => {
    const context = new zmq.Context();
    const socket = transport({ context }).socket('push', { lingerMs: 0 });
    expect(raw(socket).context).toBe(context);
  });
});

describe('sockets', () => {
  it('binds tcp://127.0.0.1:* and reports the chosen port in lastEndpoint, kept after close', async () => {
    const socket = transport().socket('router', { lingerMs: 0 });
    expect(socket.lastEndpoint).toBeNull();
    await socket.bind('tcp://127.0.0.1:*');
    const endpoint = socket.lastEndpoint;
    expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(endpoint!.split(':')[2])).toBeGreaterThan(0);
    socket.close();
    expect(socket.closed).toBe(true);
    expect(socket.lastEndpoint).toBe(endpoint);
  });

  it('round-trips a DEALER/ROUTER exchange with mixed frames and async iteration', async () => {
    const t = transport();
    const router = t.socket('router', { lingerMs: 0 });
    await router.bind('tcp://127.0.0.1:*');
    const dealer = t.socket('dealer', { routingId: 'd1', lingerMs: 0 });
    dealer.connect(router.lastEndpoint!);
    await within(dealer.send(['hello', new Uint8Array([0, 255])]));
    const [id, text, bytes] = await within(router.receive());
    expect([Buffer.from(id!).toString(), Buffer.from(text!).toString(), [...bytes!]]).toEqual(['d1', 'hello', [0, 255]]);
    await within(router.send([id!, 'back']));
    const iterator = dealer[Symbol.asyncIterator]();
    const next = await within(iterator.next());
    expect(Buffer.from(next.value![0]!).toString()).toBe('back');
    dealer.close();
    expect(await within(iterator.next())).toEqual({ done: true, value: undefined });
  });

  it('PUB/SUB: subscribe filters by prefix (string or bytes), unsubscribe stops it', async () => {
    const t = transport();
    const pub = t.socket('pub', { lingerMs: 0 });
    await pub.bind('tcp://127.0.0.1:*');
    const sub = t.socket('sub', { lingerMs: 0 });
    sub.subscribe('a');
    sub.subscribe(new Uint8Array([0x62]));
    sub.connect(pub.lastEndpoint!);
    const got: string[] = [];
    const reading = (async () => {
      for await (const [frame] of sub) got.push(Buffer.from(frame!).toString());
    })();
    // Slow joiner: publish until both subscriptions are through (b1 may come a read after a1), with a deadline.
    const deadline = Date.now() + 10_000;
    while (!(got.includes('a1') && got.includes('b1')) && Date.now() < deadline) {
      await pub.send('a1');
      await pub.send('c1');
      await pub.send('b1');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(got).toContain('a1');
    expect(got).toContain('b1');
    expect(got).not.toContain('c1');
    sub.close();
    await within(reading);
  });

  it('keeps zeromq.js semantics and codes: EBUSY and EBADF thrown synchronously, pending receive rejects EAGAIN on close', async () => {
    const socket = transport().socket('dealer', { lingerMs: 0 });
    const pending = socket.receive();
    expect(() => socket.receive()).toThrow(expect.objectContaining({ code: 'EBUSY' }) as Error);
    socket.close();
    await expect(within(pending)).rejects.toMatchObject({ code: 'EAGAIN' });
    expect(() => socket.send('x')).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
    expect(() => socket.connect('tcp://127.0.0.1:1')).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
    expect(() => socket.bind('tcp://127.0.0.1:*')).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
    socket.close();
  });

  it('close() on the transport closes every socket it made; later sockets are refused', async () => {
    const t = new TransportZmq();
    const sockets = SOCKET_TYPES.map((type) => t.socket(type, { lingerMs: 0 }));
    sockets[0]!.close();
    expect(t.openSockets).toBe(SOCKET_TYPES.length - 1);
    await t.close();
    expect(sockets.every((s) => s.closed)).toBe(true);
    expect(t.openSockets).toBe(0);
    expect(() => t.socket('push')).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
  });
});

describe('HTTP side', () => {
  it('delegates httpListen/httpRequest to TransportHttp and closes its servers with the transport', async () => {
    const t = new TransportZmq({ http: { maxBodyBytes: 1024 } });
    const server = await t.httpListen('http://127.0.0.1:0', (request) => ({
      status: 200,
      headers: { 'x-path': request.path },
      body: request.body,
    }));
    const response = await within(t.httpRequest(`${server.address}/echo?x=1`, { method: 'POST', body: new TextEncoder().encode('ping'), timeoutMs: 5000 }));
    expect([response.status, response.headers['x-path'], Buffer.from(response.body).toString()]).toEqual([200, '/echo?x=1', 'ping']);
    await t.close();
    await expect(within(transport().httpRequest(`${server.address}/`, { timeoutMs: 2000 }))).rejects.toMatchObject({ codeName: 'CONNECTION_REFUSED' });
    await expect(t.httpRequest(`${server.address}/`)).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('a second close() resolves only once the first has closed the HTTP side', async () => {
    const t = transport();
    const server = await t.httpListen('http://127.0.0.1:0', () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
    const order: string[] = [];
    void server.close().then(() => order.push('server closed'));
    void t.close();
    await t.close();
    order.push('second close');
    expect(order).toEqual(['server closed', 'second close']);
  });
});

describe('bad input, with exact messages', () => {
  it('socket type and options', () => {
    const t = transport();
    expect(() => t.socket('pair' as 'push')).toThrow(
      new RangeError('socket type: expected one of "push", "pull", "dealer", "router", "pub", "sub", "req", "rep", got "pair"'),
    );
    expect(() => t.socket('push', { linger: 0 } as never)).toThrow(/^socket options: unknown option "linger" \(known: routingId, /);
    expect(() => t.socket('push', { lingerMs: -2 })).toThrow(new RangeError('lingerMs: expected an integer >= -1, got -2'));
    expect(() => t.socket('push', { sendHighWaterMark: 2 ** 31 })).toThrow(
      new RangeError('sendHighWaterMark: expected an integer in [0, 2147483647], got 2147483648'),
    );
    expect(() => t.socket('dealer', { mandatory: true })).toThrow(
      new RangeError('mandatory: only a router socket has this option, got it on a dealer socket (boolean true)'),
    );
    expect(t.openSockets).toBe(0);
    expect(() => new TransportZmq({ ctx: 1 } as never)).toThrow(new RangeError('TransportZmq options: unknown option "ctx" (known: context, logger, http)'));
    expect(() => new TransportZmq({ context: {} as zmq.Context })).toThrow(new TypeError('context: expected a zeromq Context, got object Object'));
  });

  it('addresses: bind rejects, connect throws, naming the address', async () => {
    const socket = transport().socket('dealer', { lingerMs: 0 });
    await expect(socket.bind('tcp://127.0.0.1')).rejects.toThrow(new RangeError('bind: missing port in address "tcp://127.0.0.1" (expected tcp://host:port)'));
    await expect(socket.bind('http://x:1')).rejects.toThrow(new RangeError('bind: unsupported scheme "http" in address "http://x:1" (expected tcp, ipc or inproc)'));
    expect(() => socket.connect('tcp://127.0.0.1:*')).toThrow(
      new RangeError('connect: port "*" (any free port) in address "tcp://127.0.0.1:*" is only valid for bind (expected tcp://host:port)'),
    );
    expect(() => socket.connect(7 as never)).toThrow(new TypeError('connect: expected an address string, got 7'));
    // A host libzmq refuses with a bare EINVAL: refused first with the simulation's words, code kept.
    expect(() => socket.connect('tcp://a b:1')).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'EINVAL', message: 'connect: invalid host "a b" in address "tcp://a b:1" (expected a host name or an IP address) (EINVAL)' }) as Error,
    );
    // A host that is no interface here is the machine's answer, passed through as zeromq.js gives it.
    await expect(socket.bind('tcp://nosuchif:*')).rejects.toMatchObject({ code: 'ENODEV' });
    expect(() => socket.disconnect('tcp://a b:1')).toThrow(expect.objectContaining({ code: 'ENOENT' }) as Error);
    expect(() => socket.disconnect('tcp://h:70000')).toThrow(new RangeError('disconnect: invalid port 70000 in address "tcp://h:70000" (expected an integer in [1, 65535])'));
  });

  it('send: wrong frame types, as the simulation words them', () => {
    const socket = transport().socket('dealer', { lingerMs: 0 });
    expect(() => socket.send(42 as never)).toThrow(new TypeError('send: expected a string, a Uint8Array or an array of them, got 42'));
    expect(() => socket.send(null as never)).toThrow(new TypeError('send: expected a string, a Uint8Array or an array of them, got null'));
    expect(() => socket.send([])).toThrow(new RangeError('send: expected at least one frame, got an empty array'));
    expect(() => socket.send(['a', 1] as never)).toThrow(new TypeError('send: frame 1: expected a string or a Uint8Array, got 1'));
  });

  it('subscribe: only on sub, prefix a string or bytes', () => {
    const t = transport();
    expect(() => t.socket('pub', { lingerMs: 0 }).subscribe('x')).toThrow(
      expect.objectContaining({ code: 'ENOTSUP', message: 'subscribe: not supported on a pub socket (only sub) (ENOTSUP)' }) as Error,
    );
    expect(() => t.socket('sub', { lingerMs: 0 }).subscribe(5 as never)).toThrow(new TypeError('subscribe: prefix: expected a string or a Uint8Array, got 5'));
  });
});
