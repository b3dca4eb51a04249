// A simulated socket's `events` (zeromq.js `socket.events`), delivered like the real monitor:
// observation starts at the first on/receive/iteration (earlier events are not reported),
// events reach listeners and the receive queue in a later event of the socket's own host
// (the real monitor is a separate socket read asynchronously), the queue keeps the newest
// 1000, and 'end' comes once when the socket closes; receive then rejects EBADF.

import type { ScheduledTask } from '../../core/scheduler.js';
import { SocketEventHub } from '../../core/socket-event-hub.js';
import type { SocketEvent, SocketEventType } from '../../core/transport.js';
import type { NetContext } from './net-context.js';
import { netError } from './net-error.js';

export { SOCKET_EVENTS_BUFFERED_MAX } from '../../core/socket-event-hub.js';

export class SocketEventsSim extends SocketEventHub {
  /** 'end' was emitted (it may still wait in `outbox`). */
  private ending = false;
  private outbox: SocketEvent[] = [];
  private flushTask: ScheduledTask | undefined;

  constructor(
    private readonly ctx: NetContext,
    private readonly host: string,
    private readonly socketId: string,
    /** The socket is closed or its host crashed: observation starting now sees only the end. */
    private readonly isClosed: () => boolean,
  ) {
    super();
  }

  /** Reports an event (ignored until someone observes, as a monitor attached later would). */
  emit(type: SocketEventType, address: string, fields: { intervalMs?: number; errorCode?: string } = {}): void {
    if (!this.observing || this.ending) return;
    if (type === 'end') this.ending = true;
    this.outbox.push({ type, address, ...fields });
    this.flushTask ??= this.ctx.kernel.schedule(this.ctx.kernel.now(), this.flush, this.ctx.ownerOf(this.host));
  }

  /** The host crashed: a dead process observes nothing more, and nothing it waits for settles. */
  kill(): void {
    this.ending = true;
    this.outbox = [];
    this.abandon();
  }

  protected startObserving(): void {
    // Observing a socket already closed: its monitor reports the end at once.
    if (this.isClosed()) this.emit('end', '');
  }

  protected listenerFailed(error: unknown, event: SocketEvent): void {
    // Never silent: a failing listener is recorded in the trace with the event it failed on.
    this.ctx.record('socket-event-listener-error', this.host, { socket: this.socketId, event: event.type, error: String(error) });
  }

  protected codedError(message: string, code: 'EBUSY' | 'EBADF'): Error {
    return netError(message, code);
  }

  private readonly flush = (): void => {
    this.flushTask = undefined;
    const events = this.outbox;
    this.outbox = [];
    for (const event of events) this.deliver(event);
  };
}
