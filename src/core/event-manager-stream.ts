// `for await (const args of events.on(name, { signal }))`: the events of one name as an async
// iterator, beyond Toto. A persistent handler pushes into a bounded buffer; a consumer that falls
// more than bufferMax events behind gets an error naming the bound (never an unbounded queue, and
// never a silent gap). The iteration ends cleanly when the signal aborts, when the consumer
// breaks out of the loop, or when the manager closes (after what was already buffered).

import type { EventHandlerHandle, HandlerRegistry } from './event-manager-handlers.js';
import { ON_BUFFER_MAX_DEFAULT, type OnOptions } from './event-manager-options.js';
import { checkInteger, checkNonEmptyString, checkOptions, expected } from './validate.js';

/**
 * A stream of the events `name`, fed by a persistent handler in `registry`, kept in `open` (so
 * the manager's close() can end it) until it ends; an aborted signal ends it at once.
 */
export function openStream<T>(registry: HandlerRegistry, open: Set<EventStream<unknown>>, name: string, options: OnOptions | undefined): EventStream<T> {
  checkNonEmptyString('on: name', name);
  checkOptions('on options', options, ['signal', 'bufferMax']);
  const { signal, bufferMax = ON_BUFFER_MAX_DEFAULT } = options ?? {};
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    throw new TypeError(expected('on: signal', 'an AbortSignal', signal));
  }
  checkInteger('on: bufferMax', bufferMax, 1);
  // The handle exists only once registered, after the stream it feeds.
  const registered: { handle?: EventHandlerHandle } = {};
  const onAbort = (): void => stream.end(false);
  const stream: EventStream<T> = new EventStream<T>(name, bufferMax, () => {
    if (registered.handle !== undefined) registry.remove(registered.handle);
    signal?.removeEventListener('abort', onAbort);
    open.delete(stream as EventStream<unknown>);
  });
  if (signal?.aborted) {
    stream.end(false);
    return stream;
  }
  registered.handle = registry.register(name, (args: T) => stream.push(args), { persist: true });
  open.add(stream as EventStream<unknown>);
  signal?.addEventListener('abort', onAbort, { once: true });
  return stream;
}

export class EventStream<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private head = 0;
  private waiter: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  private ended = false;
  private failure: Error | undefined;

  constructor(
    private readonly name: string,
    private readonly bufferMax: number,
    /** Called once when the iteration ends for any reason (the owner removes its handler). */
    private readonly onEnd: () => void,
  ) {}

  /** An event arrived. */
  push(args: T): void {
    if (this.ended || this.failure !== undefined) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve({ value: args, done: false });
      return;
    }
    if (this.buffer.length - this.head >= this.bufferMax) {
      this.failure = new RangeError(
        `events.on(${JSON.stringify(this.name)}): more than bufferMax (${this.bufferMax}) events waiting: the consumer fell behind (raise bufferMax, or handle events faster)`,
      );
      this.onEnd();
      return;
    }
    this.buffer.push(args);
  }

  /** Ends the iteration: with `keepBuffered`, what was received already is still delivered first. */
  end(keepBuffered: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (!keepBuffered) {
      this.buffer = [];
      this.head = 0;
    }
    this.onEnd();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head] as T;
      this.buffer[this.head++] = undefined as T;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.ended = true;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter !== undefined) return Promise.reject(new Error(`events.on(${JSON.stringify(this.name)}): next() called again before the previous one settled`));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** `break` out of a for-await loop lands here. */
  return(): Promise<IteratorResult<T>> {
    this.end(false);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
