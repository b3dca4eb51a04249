// Validation of SocketOptions, shared by the simulated network and the ZeroMQ adapter so a bad
// option gets the same message in both worlds: "<name>: expected X, got Y", the option named.
// The ranges are libzmq's: every millisecond/count option is a C int (so at most 2^31-1), linger
// and maxMessageSize take -1 for "forever"/"no limit", a routing id is 1 to 255 bytes, and
// ROUTER_MANDATORY exists only on a ROUTER (libzmq answers EINVAL on any other socket).

import type { SocketOptions, SocketType } from './transport.js';
import { checkInteger, checkNonEmptyString, checkOptions, describe, expected } from './validate.js';

/** The largest value of a libzmq int option (milliseconds, message counts). */
export const SOCKET_INT_MAX = 2 ** 31 - 1;
/** libzmq's limit on a routing id (ZMQ_ROUTING_ID), in bytes. */
export const ROUTING_ID_BYTES_MAX = 255;

export const SOCKET_OPTION_NAMES: readonly (keyof SocketOptions)[] = [
  'routingId',
  'sendHighWaterMark',
  'receiveHighWaterMark',
  'sendTimeoutMs',
  'receiveTimeoutMs',
  'lingerMs',
  'mandatory',
  'reconnectIntervalMs',
  'reconnectIntervalMsMax',
  'heartbeatIntervalMs',
  'heartbeatTimeoutMs',
  'maxMessageSize',
];

/** [min, max] of each integer option. */
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  sendHighWaterMark: [0, SOCKET_INT_MAX],
  receiveHighWaterMark: [0, SOCKET_INT_MAX],
  sendTimeoutMs: [0, SOCKET_INT_MAX],
  receiveTimeoutMs: [0, SOCKET_INT_MAX],
  lingerMs: [-1, SOCKET_INT_MAX],
  // libzmq draws its reconnect jitter as random() % interval: 0 would divide by zero.
  reconnectIntervalMs: [1, SOCKET_INT_MAX],
  reconnectIntervalMsMax: [0, SOCKET_INT_MAX],
  heartbeatIntervalMs: [0, SOCKET_INT_MAX],
  // 0 would break every connection at the first heartbeat; "same as the interval" is leaving it out.
  heartbeatTimeoutMs: [1, SOCKET_INT_MAX],
  // A 64-bit option in libzmq; a JS number is exact up to 2^53-1.
  maxMessageSize: [-1, Number.MAX_SAFE_INTEGER],
};

/** UTF-8 length of a string without TextEncoder (surrogate pairs count 4 bytes). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Checks the options of a socket of `type`. Throws TypeError/RangeError naming the option:
 * unknown options, wrong types, values outside libzmq's ranges, `mandatory` on a non-ROUTER.
 */
export function checkSocketOptions(type: SocketType, options: SocketOptions | undefined): void {
  checkOptions('socket options', options, SOCKET_OPTION_NAMES);
  if (!options) return;
  for (const name of SOCKET_OPTION_NAMES) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const range = INTEGER_RANGES[name];
    if (!range) continue;
    // The lower bound first, so the common mistake (-1 for a count) reads "an integer >= 0".
    checkInteger(name, value, range[0]);
    checkInteger(name, value, range[0], range[1]);
  }
  if (options.routingId !== undefined) {
    checkNonEmptyString('routingId', options.routingId);
    if (utf8Length(options.routingId) > ROUTING_ID_BYTES_MAX) {
      throw new RangeError(expected('routingId', `at most ${ROUTING_ID_BYTES_MAX} bytes (UTF-8)`, options.routingId));
    }
  }
  if (options.mandatory !== undefined) {
    if (typeof options.mandatory !== 'boolean') throw new TypeError(expected('mandatory', 'a boolean', options.mandatory));
    if (type !== 'router') {
      throw new RangeError(`mandatory: only a router socket has this option, got it on a ${type} socket (${describe(options.mandatory)})`);
    }
  }
}
