// Node's timer functions on virtual time: setTimeout/setInterval/setImmediate and their
// clear* schedule on the loop of the host whose code calls them (the simulation's own loop
// outside hosts). The kernel's scheduler stays the single source of truth for ordering, so
// these timers interleave exactly with LoopPort timers, die with their host on a crash and
// wait out a pause. They return Node-like Timeout/Immediate objects, and carry
// util.promisify.custom as Node's do, so util.promisify(setTimeout) stays virtual.

import type { LoopPort, TimerHandle } from '../core/ports.js';
import { invalidArgType } from './node-errors.js';

/** util.promisify.custom (a registered symbol, so no node:util import is needed to read it). */
export const PROMISIFY_CUSTOM = Symbol.for('nodejs.util.promisify.custom');
const TIMEOUT_MAX = 2 ** 31 - 1;

export type TimerCallback = (...args: unknown[]) => void;

/** Node's ref/unref on a timer handle. Recorded only: a simulation run stops on its limits, not on referenced timers. */
abstract class Referable {
  private refed = true;

  ref(): this {
    this.refed = true;
    return this;
  }

  unref(): this {
    this.refed = false;
    return this;
  }

  hasRef(): boolean {
    return this.refed;
  }
}

/** A Node-like Timeout (setTimeout/setInterval) on virtual time. */
export class SimTimeout extends Referable {
  private handle: TimerHandle | undefined;
  private closed = false;
  private id: number | undefined;

  constructor(
    private readonly timers: VirtualTimers,
    private readonly loop: LoopPort,
    private readonly callback: TimerCallback,
    private readonly args: unknown[],
    private readonly delayMs: number,
    private readonly repeat: boolean,
  ) {
    super();
    this.arm();
  }

  private arm(): void {
    this.handle = this.loop.callLater(this.delayMs, this.fire);
  }

  private readonly fire = (): void => {
    this.handle = undefined;
    if (!this.repeat) this.forget();
    this.callback(...this.args);
    // As in Node, an interval re-arms after its callback, measured from now (once: a refresh() in the callback already did).
    if (this.repeat && !this.closed && this.handle === undefined) this.arm();
  };

  /** Restarts the countdown from now; re-arms a timeout that already fired (Node semantics). */
  refresh(): this {
    if (this.closed) return this;
    if (this.handle) this.loop.cancel(this.handle);
    this.arm();
    return this;
  }

  close(): this {
    this.closed = true;
    if (this.handle) this.loop.cancel(this.handle);
    this.handle = undefined;
    this.forget();
    return this;
  }

  [Symbol.toPrimitive](): number {
    if (this.id === undefined) this.id = this.timers.register(this);
    return this.id;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private forget(): void {
    if (this.id !== undefined) this.timers.unregister(this.id);
  }
}

/** A Node-like Immediate on virtual time: runs at the current virtual time, after events already due. */
export class SimImmediate extends Referable {
  private handle: TimerHandle | undefined;

  constructor(
    private readonly loop: LoopPort,
    callback: TimerCallback,
    args: unknown[],
  ) {
    super();
    this.handle = loop.addCallback(() => {
      this.handle = undefined;
      callback(...args);
    });
  }

  /** @internal */
  clear(): void {
    if (this.handle) this.loop.cancel(this.handle);
    this.handle = undefined;
  }

  [Symbol.dispose](): void {
    this.clear();
  }
}

/** The six timer functions of one simulation, bound to whichever host is running. */
export class VirtualTimers {
  private readonly byId = new Map<number, SimTimeout>();
  private nextId = 1;
  readonly setTimeout: (callback: unknown, delay?: unknown, ...args: unknown[]) => SimTimeout;
  readonly setInterval: (callback: unknown, delay?: unknown, ...args: unknown[]) => SimTimeout;
  readonly setImmediate: (callback: unknown, ...args: unknown[]) => SimImmediate;
  readonly clearTimeout: (timer: unknown) => void;
  readonly clearInterval: (timer: unknown) => void;
  readonly clearImmediate: (immediate: unknown) => void;

  /**
   * `currentLoop` gives the loop of the code calling now; `realClear` clears a real timer
   * created before the run (or an id never issued here), as Node would.
   */
  constructor(
    private readonly currentLoop: () => LoopPort,
    realClear: { timeout(timer: unknown): void; immediate(immediate: unknown): void },
  ) {
    this.setTimeout = (callback, delay, ...args) => this.timeout(callback, delay, args, false);
    this.setInterval = (callback, delay, ...args) => this.timeout(callback, delay, args, true);
    this.setImmediate = (callback, ...args) => {
      checkCallback(callback);
      return new SimImmediate(this.currentLoop(), callback, args);
    };
    const clear = (timer: unknown): void => {
      if (timer instanceof SimTimeout) return void timer.close();
      if (typeof timer === 'number' || typeof timer === 'string') {
        const ours = this.byId.get(Number(timer));
        if (ours) return void ours.close();
      }
      if (timer != null) realClear.timeout(timer);
    };
    this.clearTimeout = clear;
    this.clearInterval = clear;
    this.clearImmediate = (immediate) => {
      if (immediate instanceof SimImmediate) immediate.clear();
      else if (immediate != null) realClear.immediate(immediate);
    };
  }

  /** Forgets every numeric id: each run numbers its timers from 1 (the bridge keeps one VirtualTimers for every run). */
  reset(): void {
    this.byId.clear();
    this.nextId = 1;
  }

  /** @internal Gives a Timeout a numeric id (its Symbol.toPrimitive), as Node does. */
  register(timer: SimTimeout): number {
    const id = this.nextId++;
    this.byId.set(id, timer);
    return id;
  }

  /** @internal */
  unregister(id: number): void {
    this.byId.delete(id);
  }

  private timeout(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): SimTimeout {
    checkCallback(callback);
    return new SimTimeout(this, this.currentLoop(), callback, args, coerceDelay(delay), repeat);
  }
}

/** Node's coercion: anything outside [1, TIMEOUT_MAX] (NaN, 0, negative, huge) becomes 1ms; fractions truncate. */
export function coerceDelay(delay: unknown): number {
  const delayMs = Number(delay);
  return delayMs >= 1 && delayMs <= TIMEOUT_MAX ? Math.trunc(delayMs) : 1;
}

export function checkCallback(callback: unknown): asserts callback is TimerCallback {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
}
