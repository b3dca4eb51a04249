// What both worlds' `socket.events` share (SocketEvents in transport.ts): listeners per type, a
// bounded queue for receive(), one receive at a time, iteration that ends after 'end'. A world
// says only where events come from (the real Observer's pump, the simulation's scheduled
// flush), how its errors look, and where a failing listener is reported, so the two cannot
// drift apart in what a user sees.

import { SOCKET_EVENT_TYPES, type SocketEvent, type SocketEvents, type SocketEventType } from './transport.js';
import { checkFunction, checkOneOf } from './validate.js';

/** Events kept for receive() before the oldest are dropped (the interface documents 1000). */
export const SOCKET_EVENTS_BUFFERED_MAX = 1000;

type Listener = (event: SocketEvent) => void;

interface Waiter {
  resolve(event: SocketEvent): void;
  reject(error: unknown): void;
}

export abstract class SocketEventHub implements SocketEvents {
  private started = false;
  private ended = false;
  private readonly queue: SocketEvent[] = [];
  private waiter: Waiter | undefined;
  private readonly listeners = new Map<SocketEventType, Set<Listener>>();

  /** Someone looks (on, receive or iteration was used): only then are events produced. */
  get observing(): boolean {
    return this.started;
  }

  /** Observation starts (once, at the first on/receive/iteration). */
  protected abstract startObserving(): void;
  /** A listener threw: report it, never silently. */
  protected abstract listenerFailed(error: unknown, event: SocketEvent): void;
  /** An EBUSY/EBADF error in the world's own shape. */
  protected abstract codedError(message: string, code: 'EBUSY' | 'EBADF'): Error;

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
    if (this.waiter) throw this.codedError('events.receive: busy reading; only one receive operation may be in progress at any time', 'EBUSY');
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.reject(this.codedError('events.receive: socket is closed', 'EBADF'));
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

  /** Hands one event to the listeners, then to the waiting receive or the queue. 'end' ends the stream. */
  protected deliver(event: SocketEvent): void {
    const set = this.listeners.get(event.type);
    if (set) {
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          this.listenerFailed(error, event);
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
    if (this.ended && this.queue.length === 0) this.finish();
  }

  /** Nothing more will come: a waiting receive rejects with EBADF, later ones too once the queue is read. */
  protected finish(): void {
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.codedError('events.receive: socket is closed', 'EBADF'));
  }

  /** A crashed process: nothing it waits for settles and no listener runs again. */
  protected abandon(): void {
    this.ended = true;
    this.waiter = undefined;
    this.listeners.clear();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.startObserving();
  }
}
