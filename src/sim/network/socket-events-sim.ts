// A simulated socket's `events` (zeromq.js `socket.events`), delivered like the real monitor:
// observation starts at the first on/receive/iteration (earlier events are not reported),
// events reach listeners and the receive queue in a later event of the socket's own host
// (the real monitor is a separate socket read asynchronously), the queue keeps the newest
// 1000, and 'end' comes once when the socket closes; receive then rejects EBADF.

import type { ScheduledTask } from '../../core/scheduler.js';
import { SOCKET_EVENT_TYPES, type SocketEvent, type SocketEvents, type SocketEventType } from '../../core/transport.js';
import { checkFunction, checkOneOf } from '../../core/validate.js';
import type { NetContext } from './net-context.js';
import { netError } from './net-error.js';

/** Events kept for receive() before the oldest are dropped (as the interface documents). */
export const SOCKET_EVENTS_BUFFERED_MAX = 1000;

type Listener = (event: SocketEvent) => void;

export class SocketEventsSim implements SocketEvents {
  /** Someone looks (on, receive or iteration was used): only then are events produced. */
  observing = false;
  /** 'end' was delivered: nothing more comes. */
  private ended = false;
  /** 'end' was emitted (it may still wait in `outbox`). */
  private ending = false;
  private readonly queue: SocketEvent[] = [];
  private outbox: SocketEvent[] = [];
  private flushTask: ScheduledTask | undefined;
  private waiter: { resolve(event: SocketEvent): void; reject(error: unknown): void } | undefined;
  private readonly listeners = new Map<SocketEventType, Set<Listener>>();

  constructor(
    private readonly ctx: NetContext,
    private readonly host: string,
    private readonly socketId: string,
    /** The socket is closed or its host crashed: observation starting now sees only the end. */
    private readonly isClosed: () => boolean,
  ) {}

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
    this.ended = true;
    this.outbox = [];
    this.waiter = undefined;
    this.listeners.clear();
  }

  on(type: SocketEventType, listener: (event: SocketEvent) => void): () => void {
    checkOneOf('events.on: type', type, SOCKET_EVENT_TYPES);
    checkFunction('events.on: listener', listener);
    this.start();
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    // A wrapper per call: the same function added twice is two subscriptions, removed one at a time.
    const entry: Listener = (event) => listener(event);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  receive(): Promise<SocketEvent> {
    this.start();
    if (this.waiter) throw netError('events.receive: busy reading; only one receive operation may be in progress at any time', 'EBUSY');
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.reject(netError('events.receive: socket is closed', 'EBADF'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    return {
      next: () =>
        this.receive().then(
          (value) => ({ done: false as const, value }),
          (error: unknown) => {
            if (this.ended && this.queue.length === 0) return { done: true as const, value: undefined };
            throw error;
          },
        ),
    };
  }

  private start(): void {
    if (this.observing) return;
    this.observing = true;
    // Observing a socket already closed: its monitor reports the end at once.
    if (this.isClosed()) this.emit('end', '');
  }

  private readonly flush = (): void => {
    this.flushTask = undefined;
    const events = this.outbox;
    this.outbox = [];
    for (const event of events) this.deliver(event);
  };

  private deliver(event: SocketEvent): void {
    const set = this.listeners.get(event.type);
    if (set) {
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          // Never silent: a failing listener is recorded in the trace with the event it failed on.
          this.ctx.record('socket-event-listener-error', this.host, { socket: this.socketId, event: event.type, error: String(error) });
        }
      }
    }
    if (event.type === 'end') this.ended = true;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve(event);
    } else {
      if (this.queue.length >= SOCKET_EVENTS_BUFFERED_MAX) this.queue.shift();
      this.queue.push(event);
    }
    if (this.ended && this.queue.length === 0 && this.waiter) {
      const late = this.waiter;
      this.waiter = undefined;
      late.reject(netError('events.receive: socket is closed', 'EBADF'));
    }
  }
}
