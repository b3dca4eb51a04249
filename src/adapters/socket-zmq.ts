// A zeromq.js v6 socket behind the Socket port. Thin on purpose: every call goes straight to the
// real socket, so its semantics (EBUSY/EBADF thrown synchronously, out-of-turn REQ/REP calls
// left pending, linger on close) are zeromq.js's own and errors keep their `.code`. The adapter
// only checks its arguments first, with the same messages as the simulated network, because
// zeromq.js would quietly send a number or null as a frame and answers a bad address with a
// bare EINVAL.

import type * as zmq from 'zeromq';
import { parseZmqAddress } from '../core/address.js';
import type { Logger } from '../core/ports.js';
import type { Message, Sendable, Socket, SocketEvents, SocketType } from '../core/transport.js';
import { checkSendable, toPrefix } from './frames-zmq.js';
import { SocketEventsZmq } from './socket-events-zmq.js';

/**
 * libzmq answers an address it cannot use with a bare EINVAL ("Invalid argument"); that is the
 * caller's input, so it becomes a RangeError naming the address (code kept). Runtime failures
 * (EADDRINUSE, ENODEV, EBADF, ...) pass through untouched.
 */
function addressError(op: string, address: string, error: unknown): unknown {
  const cause = error as { code?: unknown; message?: unknown };
  if (cause?.code !== 'EINVAL') return error;
  return Object.assign(new RangeError(`${op}: invalid address ${JSON.stringify(address)} (libzmq: ${String(cause.message)}) (EINVAL)`), { code: 'EINVAL', cause: error });
}

function notSupported(op: string, type: SocketType): Error {
  return Object.assign(new Error(`${op}: not supported on a ${type} socket (only sub) (ENOTSUP)`), { code: 'ENOTSUP' });
}

export class SocketZmq implements Socket {
  private eventsView: SocketEventsZmq | undefined;
  private endpointAtClose: string | null = null;

  /**
   * @param raw the zeromq.js socket, options already applied; this wrapper owns it.
   * @param onClose told once when the socket closes (the transport forgets it).
   */
  constructor(
    readonly type: SocketType,
    readonly raw: zmq.Socket,
    private readonly logger: Logger,
    private readonly onClose: (socket: SocketZmq) => void,
  ) {}

  get closed(): boolean {
    return this.raw.closed;
  }

  get lastEndpoint(): string | null {
    // libzmq answers ENOTSOCK once closed; the last value seen is what a caller means then.
    return this.raw.closed ? this.endpointAtClose : this.raw.lastEndpoint;
  }

  get events(): SocketEvents {
    return (this.eventsView ??= new SocketEventsZmq(this.raw, this.logger));
  }

  bind(address: string): Promise<void> {
    try {
      parseZmqAddress('bind', address, 'bind');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.raw.bind(address).catch((error: unknown) => {
      throw addressError('bind', address, error);
    });
  }

  unbind(address: string): Promise<void> {
    try {
      parseZmqAddress('unbind', address, 'bind');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.raw.unbind(address).catch((error: unknown) => {
      throw addressError('unbind', address, error);
    });
  }

  connect(address: string): void {
    parseZmqAddress('connect', address, 'connect');
    try {
      this.raw.connect(address);
    } catch (error) {
      throw addressError('connect', address, error);
    }
  }

  disconnect(address: string): void {
    parseZmqAddress('disconnect', address, 'connect');
    try {
      this.raw.disconnect(address);
    } catch (error) {
      throw addressError('disconnect', address, error);
    }
  }

  send(message: Sendable): Promise<void> {
    // zeromq.js sockets that cannot send have no `send` at all; a Socket here always does, so
    // the frames go to the native send, which leaves a PULL/SUB send pending as libzmq does.
    return (this.raw as unknown as zmq.Writable).send(checkSendable('send', message));
  }

  receive(): Promise<Message> {
    return (this.raw as unknown as zmq.Readable).receive();
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return (this.raw as unknown as AsyncIterable<Message>)[Symbol.asyncIterator]();
  }

  subscribe(prefix: string | Uint8Array = ''): void {
    const bytes = toPrefix('subscribe', prefix);
    if (this.type !== 'sub') throw notSupported('subscribe', this.type);
    (this.raw as zmq.Subscriber).subscribe(bytes);
  }

  unsubscribe(prefix: string | Uint8Array = ''): void {
    const bytes = toPrefix('unsubscribe', prefix);
    if (this.type !== 'sub') throw notSupported('unsubscribe', this.type);
    (this.raw as zmq.Subscriber).unsubscribe(bytes);
  }

  close(): void {
    if (this.raw.closed) return;
    this.endpointAtClose = this.raw.lastEndpoint;
    this.raw.close();
    this.onClose(this);
  }
}
