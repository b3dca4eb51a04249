// Proves checkSocketOptions accepts every option within libzmq's ranges and rejects bad ones with "<name>: expected X, got Y" (exact text), including mandatory on a non-router and unknown options.
import { describe, expect, it } from 'vitest';
import { checkSocketOptions, SOCKET_INT_MAX, SOCKET_OPTION_NAMES } from '../../../src/core/socket-options.js';
import { SOCKET_TYPES, type SocketOptions } from '../../../src/core/transport.js';

describe('checkSocketOptions', () => {
  it('accepts undefined, an empty object and every option at both ends of its range', () => {
    for (const type of SOCKET_TYPES) {
      expect(() => checkSocketOptions(type, undefined)).not.toThrow();
      expect(() => checkSocketOptions(type, {})).not.toThrow();
    }
    const low: SocketOptions = {
      routingId: 'a',
      sendHighWaterMark: 0,
      receiveHighWaterMark: 0,
      sendTimeoutMs: 0,
      receiveTimeoutMs: 0,
      lingerMs: -1,
      mandatory: false,
      reconnectIntervalMs: 1,
      reconnectIntervalMsMax: 0,
      heartbeatIntervalMs: 0,
      heartbeatTimeoutMs: 1,
      maxMessageSize: -1,
    };
    const high: SocketOptions = {
      routingId: 'x'.repeat(255),
      sendHighWaterMark: SOCKET_INT_MAX,
      receiveHighWaterMark: SOCKET_INT_MAX,
      sendTimeoutMs: SOCKET_INT_MAX,
      receiveTimeoutMs: SOCKET_INT_MAX,
      lingerMs: SOCKET_INT_MAX,
      mandatory: true,
      reconnectIntervalMs: SOCKET_INT_MAX,
      reconnectIntervalMsMax: SOCKET_INT_MAX,
      heartbeatIntervalMs: SOCKET_INT_MAX,
      heartbeatTimeoutMs: SOCKET_INT_MAX,
      maxMessageSize: Number.MAX_SAFE_INTEGER,
    };
    expect(Object.keys(low).sort()).toEqual([...SOCKET_OPTION_NAMES].sort());
    expect(() => checkSocketOptions('router', low)).not.toThrow();
    expect(() => checkSocketOptions('router', high)).not.toThrow();
  });

  it('names an unknown option and lists the known ones', () => {
    expect(() => checkSocketOptions('push', { linger: 0 } as never)).toThrow(
      new RangeError(`socket options: unknown option "linger" (known: ${SOCKET_OPTION_NAMES.join(', ')})`),
    );
    expect(() => checkSocketOptions('push', 5 as never)).toThrow(new TypeError('socket options: expected an options object, got 5'));
    expect(() => checkSocketOptions('push', null as never)).toThrow(new TypeError('socket options: expected an options object, got null'));
  });

  it.each([
    [{ lingerMs: -2 }, RangeError, 'lingerMs: expected an integer >= -1, got -2'],
    [{ lingerMs: 1.5 }, RangeError, 'lingerMs: expected an integer, got 1.5'],
    [{ lingerMs: 2 ** 31 }, RangeError, 'lingerMs: expected an integer in [-1, 2147483647], got 2147483648'],
    [{ lingerMs: '0' }, TypeError, 'lingerMs: expected a number, got "0"'],
    [{ sendHighWaterMark: -1 }, RangeError, 'sendHighWaterMark: expected an integer >= 0, got -1'],
    [{ reconnectIntervalMs: 0 }, RangeError, 'reconnectIntervalMs: expected an integer >= 1, got 0'],
    [{ receiveHighWaterMark: Infinity }, RangeError, 'receiveHighWaterMark: expected an integer, got Infinity'],
    [{ sendTimeoutMs: NaN }, RangeError, 'sendTimeoutMs: expected a number, got NaN'],
    [{ receiveTimeoutMs: 2 ** 31 }, RangeError, 'receiveTimeoutMs: expected an integer in [0, 2147483647], got 2147483648'],
    [{ reconnectIntervalMs: -1 }, RangeError, 'reconnectIntervalMs: expected an integer >= 1, got -1'],
    [{ reconnectIntervalMsMax: 0.5 }, RangeError, 'reconnectIntervalMsMax: expected an integer, got 0.5'],
    [{ heartbeatIntervalMs: -5 }, RangeError, 'heartbeatIntervalMs: expected an integer >= 0, got -5'],
    [{ heartbeatTimeoutMs: 0 }, RangeError, 'heartbeatTimeoutMs: expected an integer >= 1, got 0'],
    [{ maxMessageSize: -2 }, RangeError, 'maxMessageSize: expected an integer >= -1, got -2'],
    [{ maxMessageSize: 2 ** 53 }, RangeError, `maxMessageSize: expected an integer in [-1, ${Number.MAX_SAFE_INTEGER}], got 9007199254740992`],
    [{ routingId: '' }, RangeError, 'routingId: expected a non-empty string, got ""'],
    [{ routingId: 7 }, TypeError, 'routingId: expected a string, got 7'],
    [{ routingId: 'é'.repeat(128) }, RangeError, `routingId: expected at most 255 bytes (UTF-8), got "${'é'.repeat(40)}..."`],
    [{ mandatory: 1 }, TypeError, 'mandatory: expected a boolean, got 1'],
  ])('rejects %o with its exact message', (options, ErrorClass, message) => {
    expect(() => checkSocketOptions('router', options as SocketOptions)).toThrow(new ErrorClass(message));
  });

  it('allows mandatory only on a router, naming the socket type', () => {
    for (const type of SOCKET_TYPES.filter((t) => t !== 'router')) {
      expect(() => checkSocketOptions(type, { mandatory: true })).toThrow(
        new RangeError(`mandatory: only a router socket has this option, got it on a ${type} socket (boolean true)`),
      );
    }
  });
});
