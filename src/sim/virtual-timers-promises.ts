// node:timers/promises and AbortSignal.timeout on virtual time, over VirtualTimers: the
// promise forms of setTimeout/setImmediate, the setInterval async iterator, scheduler.wait
// and scheduler.yield, with Node's AbortSignal semantics (an aborted signal rejects with an
// AbortError whose cause is the signal's reason, and clears the timer).

import type { VirtualTimers } from './virtual-timers.js';

interface TimerOptions {
  signal?: AbortSignal;
  ref?: boolean;
}

/** Node's AbortError (internal/errors), which timers/promises rejects with. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

function signalOf(options: TimerOptions | undefined): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw new TypeError(`The "options" argument must be of type object. Received ${typeof options}`);
  return options.signal;
}

/** Runs `start(resolve)` unless `signal` is aborted; an abort rejects and calls `stop`. */
function abortable<T>(signal: AbortSignal | undefined, start: (resolve: (value: T) => void) => () => void): Promise<T> {
  if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      stop();
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    const stop = start((value) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface VirtualTimersPromises {
  setTimeout<T = void>(delay?: number, value?: T, options?: TimerOptions): Promise<T>;
  setImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T>;
  setInterval<T = void>(delay?: number, value?: T, options?: TimerOptions): AsyncIterableIterator<T>;
  scheduler: { wait(delay: number, options?: TimerOptions): Promise<void>; yield(): Promise<void> };
  /** AbortSignal.timeout: a signal that aborts with a TimeoutError DOMException after `delay` virtual ms. */
  abortSignalTimeout(delay: number): AbortSignal;
}

export function virtualTimersPromises(timers: VirtualTimers): VirtualTimersPromises {
  function setTimeout<T = void>(delay?: number, value?: T, options?: TimerOptions): Promise<T> {
    const signal = signalOf(options);
    return abortable<T>(signal, (resolve) => {
      const timer = timers.setTimeout(() => resolve(value as T), delay);
      return () => timers.clearTimeout(timer);
    });
  }

  function setImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T> {
    const signal = signalOf(options);
    return abortable<T>(signal, (resolve) => {
      const immediate = timers.setImmediate(() => resolve(value as T));
      return () => timers.clearImmediate(immediate);
    });
  }

  function setInterval<T = void>(delay?: number, value?: T, options?: TimerOptions): AsyncIterableIterator<T> {
    const signal = signalOf(options);
    let ticks = 0;
    let done = false;
    let waiting: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void } | undefined;
    const finish = (): void => {
      done = true;
      timers.clearInterval(interval);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      finish();
      waiting?.reject(new AbortError(undefined, { cause: signal?.reason }));
      waiting = undefined;
    };
    const interval = timers.setInterval(() => {
      ticks++;
      if (waiting) {
        ticks--;
        const w = waiting;
        waiting = undefined;
        w.resolve({ value: value as T, done: false });
      }
    }, delay);
    if (signal?.aborted) finish();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const iterator: AsyncIterableIterator<T> = {
      next(): Promise<IteratorResult<T>> {
        if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (ticks > 0) {
          ticks--;
          return Promise.resolve({ value: value as T, done: false });
        }
        return new Promise((resolve, reject) => (waiting = { resolve, reject }));
      },
      return(): Promise<IteratorResult<T>> {
        finish();
        waiting?.resolve({ value: undefined, done: true });
        waiting = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  function abortSignalTimeout(delay: number): AbortSignal {
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > Number.MAX_SAFE_INTEGER) {
      const error = new RangeError(`The value of "delay" is out of range. It must be >= 0 && <= ${Number.MAX_SAFE_INTEGER}. Received ${String(delay)}`);
      throw Object.assign(error, { code: 'ERR_OUT_OF_RANGE' });
    }
    const controller = new AbortController();
    timers.setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), delay);
    return controller.signal;
  }

  return {
    setTimeout,
    setImmediate,
    setInterval,
    scheduler: {
      wait: (delay, options) => setTimeout(delay, undefined, options),
      yield: () => setImmediate(),
    },
    abortSignalTimeout,
  };
}

