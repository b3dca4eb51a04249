// node:timers/promises and AbortSignal.timeout on virtual time, over VirtualTimers: the
// promise forms of setTimeout/setImmediate, the setInterval async iterator, scheduler.wait
// and scheduler.yield, with Node's AbortSignal semantics (an aborted signal rejects with an
// AbortError whose cause is the signal's reason, and clears the timer).

import { invalidArgType, outOfRange, validateNumber, validateObject } from './node-errors.js';
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

/**
 * Node's checks of (delay, options), in its order: a bad argument is the caller's error, which
 * Node reports by rejecting the promise (or the iterator's first next()), never by throwing.
 */
function signalOf(delay: unknown, options: unknown): AbortSignal | undefined {
  if (delay !== undefined) validateNumber('delay', delay);
  if (options === undefined) return undefined;
  validateObject('options', options);
  const { signal, ref } = options as TimerOptions;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
  }
  if (ref !== undefined && typeof ref !== 'boolean') throw invalidArgType('options.ref', 'of type boolean', ref);
  return signal;
}

/** The options' signal, or the rejection Node gives for bad arguments. */
function checked(delay: unknown, options: unknown): { signal: AbortSignal | undefined } | { error: unknown } {
  try {
    return { signal: signalOf(delay, options) };
  } catch (error) {
    return { error };
  }
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

/** An async iterator whose first next() rejects with `error`, as Node's setInterval generator does on bad arguments. */
function failedIterator<T>(error: unknown): AsyncIterableIterator<T> {
  let failed = false;
  const iterator: AsyncIterableIterator<T> = {
    next: () => (failed ? Promise.resolve({ value: undefined, done: true }) : ((failed = true), Promise.reject(error))),
    return: () => ((failed = true), Promise.resolve({ value: undefined, done: true })),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
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
    const check = checked(delay, options);
    if ('error' in check) return Promise.reject(check.error);
    return abortable<T>(check.signal, (resolve) => {
      const timer = timers.setTimeout(() => resolve(value as T), delay);
      return () => timers.clearTimeout(timer);
    });
  }

  function setImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T> {
    const check = checked(undefined, options);
    if ('error' in check) return Promise.reject(check.error);
    return abortable<T>(check.signal, (resolve) => {
      const immediate = timers.setImmediate(() => resolve(value as T));
      return () => timers.clearImmediate(immediate);
    });
  }

  function setInterval<T = void>(delay?: number, value?: T, options?: TimerOptions): AsyncIterableIterator<T> {
    const check = checked(delay, options);
    if ('error' in check) return failedIterator<T>(check.error);
    const signal = check.signal;
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
    // Node's validateUint32(delay, 'delay').
    validateNumber('delay', delay);
    if (!Number.isInteger(delay)) throw outOfRange('delay', 'an integer', delay);
    if (delay < 0 || delay > 0xffffffff) throw outOfRange('delay', `>= 0 && <= ${0xffffffff}`, delay);
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

