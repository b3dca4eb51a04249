// SocketOptions onto a zeromq.js socket. Each option is set through zeromq.js's property where
// the socket class has one and through its native setter (same libzmq option id) where the class
// leaves it out (zeromq.js declares receive options only on readable kinds, routingId only on
// REQ/REP/DEALER/ROUTER), so a value the caller gave always reaches libzmq as the sim assumes.

import type * as zmq from 'zeromq';
import type { SocketOptions } from '../core/transport.js';

type Kind = 'Int32' | 'Int64' | 'Bool' | 'String';

interface Mapping {
  /** zeromq.js's property name. */
  zmqName: string;
  /** libzmq option id (zmq.h), for the native setter. */
  id: number;
  kind: Kind;
}

/** Ours -> zeromq.js. Defaults (zeromq.js 6.8 / libzmq 4.3.5): HWMs 1000, timeouts -1 (forever), linger -1, reconnect 100 / max 0, heartbeats 0 (off), timeout -1 (= interval), maxMessageSize -1. */
export const OPTION_MAP: Readonly<Record<keyof SocketOptions, Mapping>> = {
  routingId: { zmqName: 'routingId', id: 5, kind: 'String' },
  sendHighWaterMark: { zmqName: 'sendHighWaterMark', id: 23, kind: 'Int32' },
  receiveHighWaterMark: { zmqName: 'receiveHighWaterMark', id: 24, kind: 'Int32' },
  sendTimeoutMs: { zmqName: 'sendTimeout', id: 28, kind: 'Int32' },
  receiveTimeoutMs: { zmqName: 'receiveTimeout', id: 27, kind: 'Int32' },
  lingerMs: { zmqName: 'linger', id: 17, kind: 'Int32' },
  mandatory: { zmqName: 'mandatory', id: 33, kind: 'Bool' },
  reconnectIntervalMs: { zmqName: 'reconnectInterval', id: 18, kind: 'Int32' },
  reconnectIntervalMsMax: { zmqName: 'reconnectMaxInterval', id: 21, kind: 'Int32' },
  heartbeatIntervalMs: { zmqName: 'heartbeatInterval', id: 75, kind: 'Int32' },
  heartbeatTimeoutMs: { zmqName: 'heartbeatTimeout', id: 77, kind: 'Int32' },
  maxMessageSize: { zmqName: 'maxMessageSize', id: 22, kind: 'Int64' },
};

type NativeAccess = Record<string, unknown> & Record<`${'get' | 'set'}${Kind}Option`, (id: number, value?: unknown) => unknown>;

/** Sets every given option on `socket` (already checked by checkSocketOptions). */
export function applySocketOptions(socket: zmq.Socket, options: SocketOptions | undefined): void {
  if (!options) return;
  const raw = socket as unknown as NativeAccess;
  for (const key of Object.keys(options) as (keyof SocketOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const { zmqName, id, kind } = OPTION_MAP[key];
    if (zmqName in raw) raw[zmqName] = value;
    else raw[`set${kind}Option`].call(socket, id, value);
  }
}

/** Reads an option back from libzmq (tests; ROUTER `mandatory` is write-only in libzmq and throws EINVAL). */
export function readSocketOption(socket: zmq.Socket, key: keyof SocketOptions): unknown {
  const raw = socket as unknown as NativeAccess;
  const { zmqName, id, kind } = OPTION_MAP[key];
  if (zmqName in raw) return raw[zmqName];
  return raw[`get${kind}Option`].call(socket, id);
}
