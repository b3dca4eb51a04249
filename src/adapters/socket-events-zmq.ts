// SocketEvents over zeromq.js's `socket.events` Observer. zeromq.js lets an Observer be read
// either with receive() or with on(), never both; ours offers both at once, so one pump reads
// the Observer and hands each event to the listeners and to a bounded queue for receive().
// The Observer (a libzmq monitor socket) is made on first use only, since every one costs an
// inproc socket pair and a pending native read; it ends with the socket ('end', then EBADF),
// so it never keeps the process alive once the socket is closed.

import type * as zmq from 'zeromq';
import type { Logger } from '../core/ports.js';
import { SocketEventHub } from '../core/socket-event-hub.js';
import type { SocketEvent, SocketEventType } from '../core/transport.js';

export { SOCKET_EVENTS_BUFFERED_MAX } from '../core/socket-event-hub.js';

/** zeromq.js's event -> ours: 'handshake:error:*' become 'handshake:error'; 'unknown' is dropped. */
export function toSocketEvent(raw: zmq.Event): SocketEvent | undefined {
  if (raw.type === 'unknown') return undefined;
  const type: SocketEventType = raw.type.startsWith('handshake:error') ? 'handshake:error' : (raw.type as SocketEventType);
  const event: SocketEvent = { type, address: 'address' in raw ? raw.address : '' };
  if ('interval' in raw) event.intervalMs = raw.interval;
  if ('error' in raw) {
    const error = raw.error as { code?: unknown; message?: string };
    event.errorCode = typeof error.code === 'string' ? error.code : String(error.message ?? 'unknown');
  }
  return event;
}

export class SocketEventsZmq extends SocketEventHub {
  constructor(
    private readonly socket: zmq.Socket,
    private readonly logger: Logger,
  ) {
    super();
  }

  protected startObserving(): void {
    if (this.socket.closed) this.finish();
    else void this.pump(this.socket.events);
  }

  protected listenerFailed(error: unknown, event: SocketEvent): void {
    this.logger.error({ err: error, event: event.type }, 'socket events: a listener threw');
  }

  protected codedError(message: string, code: 'EBUSY' | 'EBADF'): Error {
    return Object.assign(new Error(message), { code });
  }

  private async pump(observer: zmq.Observer): Promise<void> {
    for (;;) {
      let raw: zmq.Event;
      try {
        raw = await observer.receive();
      } catch (error) {
        // EBADF once the socket closed (after 'end'): the normal end. Anything else is logged.
        if ((error as { code?: string }).code !== 'EBADF') this.logger.error({ err: error }, 'socket events: observer failed');
        break;
      }
      const event = toSocketEvent(raw);
      if (event) this.deliver(event);
    }
    this.finish();
  }
}
