// Proves bad input (unknown socket options, out-of-range values, malformed addresses, wrong frame types) fails with the same error type and message in the simulation and over real zeromq.js, and shows those messages.
import { expect } from 'vitest';
import type { SocketOptions, SocketType } from '../../../src/core/transport.js';
import { EVERY_WORLD, describeWorlds, failureOf } from './worlds.js';

const KNOWN =
  'routingId, sendHighWaterMark, receiveHighWaterMark, sendTimeoutMs, receiveTimeoutMs, lingerMs, mandatory, reconnectIntervalMs, reconnectIntervalMsMax, heartbeatIntervalMs, heartbeatTimeoutMs, maxMessageSize';

const BAD_OPTIONS: [SocketType, Record<string, unknown>, string, string][] = [
  ['push', { sendHwm: 10 }, 'RangeError', `socket options: unknown option "sendHwm" (known: ${KNOWN})`],
  ['push', { lingerMs: -2 }, 'RangeError', 'lingerMs: expected an integer >= -1, got -2'],
  ['push', { sendHighWaterMark: 1.5 }, 'RangeError', 'sendHighWaterMark: expected an integer, got 1.5'],
  ['pull', { receiveTimeoutMs: '10' }, 'TypeError', 'receiveTimeoutMs: expected a number, got "10"'],
  ['dealer', { routingId: '' }, 'RangeError', 'routingId: expected a non-empty string, got ""'],
  ['dealer', { mandatory: true }, 'RangeError', 'mandatory: only a router socket has this option, got it on a dealer socket (boolean true)'],
  ['dealer', { heartbeatTimeoutMs: 0 }, 'RangeError', 'heartbeatTimeoutMs: expected an integer >= 1, got 0'],
  ['req', { sendTimeoutMs: 2 ** 31 }, 'RangeError', 'sendTimeoutMs: expected an integer in [0, 2147483647], got 2147483648'],
];

describeWorlds('bad socket options throw the same TypeError/RangeError naming the option', EVERY_WORLD, async (w) => {
  for (const [type, options, name, message] of BAD_OPTIONS) {
    const failure = await failureOf(() => w.transport('a').socket(type, options as SocketOptions));
    expect(failure?.sync, message).toBe(true);
    expect((failure?.error as Error).constructor.name).toBe(name);
    expect((failure?.error as Error).message).toBe(message);
  }
});

const BAD_ADDRESSES: ['bind' | 'connect', string, string][] = [
  ['bind', 'tcp://127.0.0.1', 'bind: missing port in address "tcp://127.0.0.1" (expected tcp://host:port)'],
  ['bind', 'tcp://127.0.0.1:99999', 'bind: invalid port 99999 in address "tcp://127.0.0.1:99999" (expected an integer in [1, 65535])'],
  ['bind', 'foo://x', 'bind: unsupported scheme "foo" in address "foo://x" (expected tcp, ipc or inproc)'],
  ['bind', 'nonsense', 'bind: malformed address "nonsense" (expected tcp://host:port, ipc://path or inproc://name)'],
  ['bind', 'inproc://', 'bind: malformed address "inproc://" (empty inproc name)'],
  ['connect', 'tcp://127.0.0.1:*', 'connect: port "*" (any free port) in address "tcp://127.0.0.1:*" is only valid for bind (expected tcp://host:port)'],
  ['connect', 'tcp://:5555', 'connect: missing host in address "tcp://:5555" (expected tcp://host:port)'],
];

describeWorlds('malformed addresses fail with the same message: bind rejects, connect throws', EVERY_WORLD, async (w) => {
  const socket = w.socket('a', 'pull');
  for (const [op, address, message] of BAD_ADDRESSES) {
    const failure = await failureOf(() => (op === 'bind' ? socket.bind(address) : socket.connect(address)));
    expect(failure, message).toBeDefined();
    expect(failure?.sync, message).toBe(op === 'connect');
    expect((failure?.error as Error).message).toBe(message);
    expect(failure?.error).toBeInstanceOf(RangeError);
  }
});

const BAD_FRAMES: [unknown, string, string][] = [
  [123, 'TypeError', 'send: expected a string, a Uint8Array or an array of them, got 123'],
  [null, 'TypeError', 'send: expected a string, a Uint8Array or an array of them, got null'],
  [{}, 'TypeError', 'send: expected a string, a Uint8Array or an array of them, got object Object'],
  [[], 'RangeError', 'send: expected at least one frame, got an empty array'],
  [['ok', 7], 'TypeError', 'send: frame 1: expected a string or a Uint8Array, got 7'],
];

describeWorlds('wrong frame types are refused with the same message', EVERY_WORLD, async (w) => {
  const push = w.socket('a', 'push');
  for (const [value, name, message] of BAD_FRAMES) {
    const failure = await failureOf(() => push.send(value as string));
    expect(failure, message).toBeDefined();
    expect((failure?.error as Error).constructor.name).toBe(name);
    expect((failure?.error as Error).message).toBe(message);
  }
  // A refused send leaves the socket usable (not busy).
  const pending = push.send('fine');
  void pending.catch(() => undefined);
});

describeWorlds('bad arguments to socket.events fail with the same message', EVERY_WORLD, async (w) => {
  const socket = w.socket('a', 'pull');
  const badType = await failureOf(() => socket.events.on('nonsense' as 'bind', () => undefined));
  expect(badType?.sync).toBe(true);
  expect(badType?.error).toBeInstanceOf(RangeError);
  expect((badType?.error as Error).message).toMatch(/^events\.on: type: expected one of "bind", .*, got "nonsense"$/);
  const badListener = await failureOf(() => socket.events.on('bind', 'not a function' as unknown as () => void));
  expect(badListener?.sync).toBe(true);
  expect((badListener?.error as Error).message).toBe('events.on: listener: expected a function, got "not a function"');
  const first = socket.events.receive();
  void first.catch(() => undefined);
  expect(await failureOf(() => socket.events.receive())).toMatchObject({ sync: true, error: { code: 'EBUSY' } });
});
