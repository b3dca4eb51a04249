// The event handler registry of Toto's EventManager, as a synchronous state machine: register
// and remove handlers, and for each received event decide which handlers run (take()). The
// EventManager binds it to the socket and the loop; the decisions live here, where a test can
// drive them without a network.
//
// Toto's rules, kept: a handler fires once and is removed unless `persist`; a handler tied to a
// request does not fire once that request has finished (here `until`: an AbortSignal, or any
// object with a `finished` flag such as a request), and is removed then. Toto kept a set per
// name and popped in no particular order; handlers here run in registration order.

import type { AbortSignalLike } from './task-queue.js';
import { checkFunction, checkNonEmptyString, checkOptions, describe, expected } from './validate.js';

/** What ends a handler: an AbortSignal (aborted = finished), or an object whose `finished` becomes true (a request). */
export type EventHandlerUntil = AbortSignalLike | { readonly finished: boolean };

export type EventHandler = (args: any) => unknown;

export interface RegisterHandlerOptions {
  /** Run the handler from the loop (loop.addCallback) instead of inside the receive loop. Default false. */
  runOnMainLoop?: boolean;
  /** The handler does not fire once this has finished (Toto's request_handler), and is removed then. */
  until?: EventHandlerUntil;
  /** Keep the handler after it fires (Toto's persist). Default false: it fires once. */
  persist?: boolean;
}

/** What registerHandler returns: pass it to removeHandler. */
export class EventHandlerHandle {
  /** @internal */ active = true;
  /** @internal */ detach: (() => void) | undefined;

  /** @internal */
  constructor(
    readonly name: string,
    /** @internal */ readonly handler: EventHandler,
    /** @internal */ readonly runOnMainLoop: boolean,
    /** @internal */ readonly persist: boolean,
    /** @internal */ readonly until: EventHandlerUntil | undefined,
    /** @internal */ readonly owner: object,
  ) {}

  /** False once the handler was removed, fired (without persist) or its `until` finished. */
  get registered(): boolean {
    return this.active;
  }
}

const OPTION_NAMES = ['runOnMainLoop', 'until', 'persist'];

/** The handlers of one name: a Set (insertion order, O(1) removal) and the array take() hands out. */
interface NameEntry {
  readonly handlers: Set<EventHandlerHandle>;
  /** The handlers as an array, made when take() needs one; dropped on any change (copy-on-write). */
  snapshot: readonly EventHandlerHandle[] | undefined;
}

export class HandlerRegistry {
  /**
   * Per name, in registration order. A list handed out by take() never changes under its reader.
   * Every step is O(1) per handler: Toto's chat keeps one one-shot handler per waiting long poll,
   * so one message fires and removes thousands at once.
   */
  private readonly byName = new Map<string, NameEntry>();
  private size = 0;
  /** Handlers removed unfired because their `until` had finished. */
  expired = 0;

  constructor(private readonly handlerMax: number) {}

  /** Handlers registered now (all names). */
  get count(): number {
    return this.size;
  }

  /** True if some handler waits for `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  register(name: string, handler: EventHandler, options: RegisterHandlerOptions | undefined): EventHandlerHandle {
    checkNonEmptyString('registerHandler: name', name);
    checkFunction('registerHandler: handler', handler);
    checkOptions('registerHandler options', options, OPTION_NAMES);
    const { runOnMainLoop = false, persist = false, until } = options ?? {};
    if (typeof runOnMainLoop !== 'boolean') throw new TypeError(expected('registerHandler: runOnMainLoop', 'a boolean', runOnMainLoop));
    if (typeof persist !== 'boolean') throw new TypeError(expected('registerHandler: persist', 'a boolean', persist));
    if (until !== undefined) checkUntil(until);
    if (this.size >= this.handlerMax) {
      throw new RangeError(`registerHandler: ${this.size} handlers registered already (handlerMax ${this.handlerMax}): remove handlers that are done, or raise handlerMax`);
    }
    const handle = new EventHandlerHandle(name, handler, runOnMainLoop, persist, until, this);
    if (until !== undefined && isFinished(until)) {
      // Finished before it began: it could never fire, so it is never stored.
      handle.active = false;
      return handle;
    }
    let entry = this.byName.get(name);
    if (entry === undefined) {
      entry = { handlers: new Set(), snapshot: undefined };
      this.byName.set(name, entry);
    }
    entry.handlers.add(handle);
    entry.snapshot = undefined;
    this.size++;
    if (until !== undefined && isSignal(until)) {
      // An aborted signal frees its handler at once; a `finished` flag is only read when an event comes.
      const onAbort = (): void => void this.remove(handle);
      until.addEventListener('abort', onAbort, { once: true });
      handle.detach = () => until.removeEventListener('abort', onAbort);
    }
    return handle;
  }

  /** Removes a handler; false if it was not registered here (any more). */
  remove(handle: unknown): boolean {
    if (!(handle instanceof EventHandlerHandle)) throw new TypeError(expected('removeHandler: handle', 'what registerHandler returned', handle));
    if (handle.owner !== this || !handle.active) return false;
    handle.active = false;
    handle.detach?.();
    handle.detach = undefined;
    const entry = this.byName.get(handle.name);
    if (entry !== undefined) {
      entry.handlers.delete(handle);
      entry.snapshot = undefined;
      if (entry.handlers.size === 0) this.byName.delete(handle.name);
    }
    this.size--;
    return true;
  }

  /**
   * The handlers that fire for one event of `name`, in registration order: each one whose `until`
   * has finished is removed and left out (counted in `expired`), each one without `persist` is
   * removed. The caller runs what is returned, and must not change the list. When every handler
   * persists with no `until` (the common case) the same array serves event after event until a
   * handler is added or removed: no copy per event.
   */
  take(name: string): readonly EventHandlerHandle[] {
    const entry = this.byName.get(name);
    if (entry === undefined) return NONE;
    let simple = true;
    for (const handle of entry.handlers) {
      if (!handle.persist || handle.until !== undefined) {
        simple = false;
        break;
      }
    }
    if (simple) return (entry.snapshot ??= [...entry.handlers]);
    const fire: EventHandlerHandle[] = [];
    for (const handle of entry.handlers) {
      if (handle.until !== undefined && isFinished(handle.until)) {
        this.remove(handle);
        this.expired++;
        continue;
      }
      if (!handle.persist) this.remove(handle);
      fire.push(handle);
    }
    return fire;
  }

  /** Removes every handler (close()). */
  clear(): void {
    for (const entry of [...this.byName.values()]) for (const handle of [...entry.handlers]) this.remove(handle);
  }
}

const NONE: readonly EventHandlerHandle[] = Object.freeze([]);

function isSignal(until: EventHandlerUntil): until is AbortSignalLike {
  return typeof (until as AbortSignalLike).aborted === 'boolean' && typeof (until as AbortSignalLike).addEventListener === 'function';
}

function isFinished(until: EventHandlerUntil): boolean {
  return isSignal(until) ? until.aborted : (until as { finished: unknown }).finished === true;
}

function checkUntil(until: unknown): void {
  const what = 'an AbortSignal or an object with a boolean `finished` (a request)';
  if (until === null || typeof until !== 'object') throw new TypeError(expected('registerHandler: until', what, until));
  if (isSignal(until as EventHandlerUntil)) {
    checkFunction('registerHandler: until.removeEventListener', (until as AbortSignalLike).removeEventListener);
    return;
  }
  const finished = (until as { finished?: unknown }).finished;
  if (typeof finished !== 'boolean') {
    throw new TypeError(`registerHandler: until: expected ${what}, got ${describe(until)} whose finished is ${describe(finished)}`);
  }
}
