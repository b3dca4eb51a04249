// SocketEvents over zeromq.js's `socket.events` Observer. zeromq.js lets an Observer be read
// either with receive() or with on(), never both; ours offers both at once, so one pump reads
// the Observer and hands each event to the listeners and to a bounded queue for receive().
// The Observer (a libzmq monitor socket) is made on first use only, since every one costs an
// inproc socket pair and a pending native read; it ends with the socket ('end', then EBADF),
// so it never keeps the process alive once the socket is closed.

import type * as zmq from 'zeromq';
import type { Logger } from '../core/ports.js';
import { SOCKET_EVENT_TYPES, type SocketEvent, type SocketEvents, type SocketEventType } from '../core/transport.js';
import { checkFunction, checkOneOf } from '../core/validate.js';

/** Events kept for receive() before the oldest are dropped (the interface documents 1000). */
export const SOCKET_EVENTS_BUFFERED_MAX = 1000;

type Listener = (event: SocketEvent) => void;

interface Waiter {
  resolve(event: SocketEvent): void;
  reject(error: unknown): void;
}

function codedError(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

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

export class SocketEventsZmq implements SocketEvents {
  private started = false;
  private ended = false;
  private readonly queue: SocketEvent[] = [];
  private waiter: Waiter | undefined;
  private readonly listeners = new Map<SocketEventType, Set<Listener>>();

  constructor(
    private readonly socket: zmq.Socket,
    private readonly logger: Logger,
  ) {}

  on(type: SocketEventType, listener: (event: SocketEvent) => void): () => void {
    checkOneOf('events.on: type', type, SOCKET_EVENT_TYPES);
    checkFunction('events.on: listener', listener);
    this.start();
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    // A wrapper per call, so the same function added twice is two subscriptions, removed one at a time.
    const entry: Listener = (event) => listener(event);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  receive(): Promise<SocketEvent> {
    this.start();
    if (this.waiter) throw codedError('events.receive: busy reading; only one receive operation may be in progress at any time', 'EBUSY');
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.reject(codedError('events.receive: socket is closed', 'EBADF'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    return {
      next: () =>
        this.receive().then(
          (value) => ({ done: false, value }),
          (error: unknown) => {
            if (this.ended && this.queue.length === 0) return { done: true, value: undefined };
            throw error;
          },
        ),
    };
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.socket.closed) {
      this.ended = true;
      return;
    }
    void this.pump(this.socket.events);
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
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(codedError('events.receive: socket is closed', 'EBADF'));
  }

  private deliver(event: SocketEvent): void {
    const set = this.listeners.get(event.type);
    if (set) {
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          this.logger.error({ err: error, event: event.type }, 'socket events: a listener threw');
        }
      }
    }
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve(event);
      return;
    }
    if (this.queue.length >= SOCKET_EVENTS_BUFFERED_MAX) this.queue.shift();
    this.queue.push(event);
  }
}
