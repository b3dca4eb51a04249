// While a simulation runs, third-party code that uses the global clock and timers runs on
// virtual time. Design (chosen for correctness and speed):
// - Date (new Date(), Date.now()) comes from @sinonjs/fake-timers, whose clock's `now` is
//   redefined as a getter reading the current host's virtual clock: always in sync, no
//   per-event cost, and each host sees its own offset/drift/jumps.
// - setTimeout/setInterval/setImmediate and their clear* are replaced by functions that
//   schedule on the current host's LoopSim (the simulation's own loop outside hosts). The
//   kernel's scheduler stays the single source of truth for ordering, so bridged timers
//   interleave exactly with LoopPort timers, die with their host on a crash and wait out a
//   pause. They return Node-like Timeout/Immediate objects.
// - performance.now() reads kernel virtual time (monotonic, the same for every host), and
//   Math.random draws from a stream forked from the seed.
// Left real: process.hrtime, queueMicrotask/process.nextTick (already microtasks),
// node:timers and node:timers/promises imports, crypto randomness.
// Only one bridge may be installed at a time: the globals are process-wide.

import { withGlobal } from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<ReturnType<typeof withGlobal>['install']>;
import type { LoopPort, TimerHandle } from '../core/ports.js';

/** What the bridge reads from the simulation. */
export interface BridgeSource {
  /** The loop timers created now belong to: the current host's, else the simulation's. */
  currentLoop(): LoopPort;
  /** Kernel virtual time (ms since the simulation started). */
  virtualNow(): number;
  /** A seeded float in [0, 1) for Math.random. */
  randomFloat(): number;
}

const TIMEOUT_MAX = 2 ** 31 - 1;

/** The globals the bridge replaces, as they were when it installed. */
function captureGlobals() {
  return {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    setImmediate: globalThis.setImmediate,
    clearImmediate: globalThis.clearImmediate,
    mathRandom: Math.random,
    performanceNow: Object.getOwnPropertyDescriptor(performance, 'now'),
  };
}
type RealGlobals = ReturnType<typeof captureGlobals>;

let installedBridge: FakeTimersBridge | undefined;

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
    private readonly bridge: FakeTimersBridge,
    private readonly loop: LoopPort,
    private readonly callback: (...args: unknown[]) => void,
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
    if (this.id === undefined) this.id = this.bridge.register(this);
    return this.id;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private forget(): void {
    if (this.id !== undefined) this.bridge.unregister(this.id);
  }
}

/** A Node-like Immediate on virtual time: runs at the current virtual time, after events already due. */
export class SimImmediate extends Referable {
  private handle: TimerHandle | undefined;

  constructor(
    private readonly loop: LoopPort,
    callback: (...args: unknown[]) => void,
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

export interface BridgeOptions {
  /** Date.now() at virtual time 0 on a host without offset. */
  epochMs: number;
}

export class FakeTimersBridge {
  private clock: InstalledClock | undefined;
  private saved: RealGlobals | undefined;
  private readonly byId = new Map<number, SimTimeout>();
  private nextId = 1;

  constructor(
    private readonly source: BridgeSource,
    private readonly options: BridgeOptions,
  ) {}

  get installed(): boolean {
    return this.clock !== undefined;
  }

  /** Replaces the globals. Throws if another bridge (another simulation's run) holds them. */
  install(): void {
    if (installedBridge === this) return;
    if (installedBridge !== undefined) {
      throw new Error('fake-timers bridge: another simulation run holds the global timers; run one simulation at a time (await the other run first)');
    }
    if ((globalThis.Date as { isFake?: boolean }).isFake === true) {
      throw new Error('fake-timers bridge: the global Date is already faked (another fake-timers install is active); uninstall it first or pass fakeTimers: false');
    }
    const source = this.source;
    const epochMs = this.options.epochMs;
    const saved = captureGlobals();
    const clock = withGlobal(globalThis).install({ now: epochMs, toFake: ['Date'], shouldClearNativeTimers: false });
    Object.defineProperty(clock, 'now', {
      configurable: true,
      // Whole milliseconds, as the real Date.now(): virtual time (latency, drift) is fractional.
      get: () => Math.floor(epochMs + source.currentLoop().now()),
      set: () => {},
    });
    this.clock = clock;
    this.saved = saved;
    // The process-wide lock: the globals belong to this bridge until it uninstalls.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    installedBridge = this;
    const g = globalThis as Record<string, unknown>;
    g.setTimeout = (callback: unknown, delay?: unknown, ...args: unknown[]) => this.timeout(callback, delay, args, false);
    g.setInterval = (callback: unknown, delay?: unknown, ...args: unknown[]) => this.timeout(callback, delay, args, true);
    g.setImmediate = (callback: unknown, ...args: unknown[]) => {
      checkCallback(callback);
      return new SimImmediate(source.currentLoop(), callback, args);
    };
    g.clearTimeout = (timer: unknown) => this.clear(timer);
    g.clearInterval = (timer: unknown) => this.clear(timer);
    g.clearImmediate = (immediate: unknown) => {
      if (immediate instanceof SimImmediate) immediate.clear();
      else if (immediate != null) saved.clearImmediate(immediate as NodeJS.Immediate);
    };
    Object.defineProperty(performance, 'now', { configurable: true, writable: true, value: () => source.virtualNow() });
    Math.random = () => source.randomFloat();
  }

  /** Restores every global. Safe to call when not installed. */
  uninstall(): void {
    if (installedBridge !== this || !this.clock || !this.saved) return;
    const g = globalThis as Record<string, unknown>;
    const saved = this.saved;
    g.setTimeout = saved.setTimeout;
    g.clearTimeout = saved.clearTimeout;
    g.setInterval = saved.setInterval;
    g.clearInterval = saved.clearInterval;
    g.setImmediate = saved.setImmediate;
    g.clearImmediate = saved.clearImmediate;
    if (saved.performanceNow) Object.defineProperty(performance, 'now', saved.performanceNow);
    else delete (performance as { now?: unknown }).now;
    Math.random = saved.mathRandom;
    this.clock.uninstall();
    this.clock = undefined;
    this.saved = undefined;
    installedBridge = undefined;
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
    // Node's coercion: anything outside [1, TIMEOUT_MAX] (NaN, 0, negative, huge) becomes 1ms; fractions truncate.
    let delayMs = Number(delay);
    if (!(delayMs >= 1 && delayMs <= TIMEOUT_MAX)) delayMs = 1;
    delayMs = Math.trunc(delayMs);
    return new SimTimeout(this, this.source.currentLoop(), callback, args, delayMs, repeat);
  }

  private clear(timer: unknown): void {
    if (timer instanceof SimTimeout) return void timer.close();
    if (typeof timer === 'number' || typeof timer === 'string') {
      const ours = this.byId.get(Number(timer));
      if (ours) return void ours.close();
    }
    // A real timer created before the run (or an id we never issued): let Node handle it.
    if (timer != null && this.saved) this.saved.clearTimeout(timer as NodeJS.Timeout);
  }
}

function checkCallback(callback: unknown): asserts callback is (...args: unknown[]) => void {
  if (typeof callback !== 'function') {
    const error = new TypeError(`The "callback" argument must be of type function. Received ${callback === null ? 'null' : typeof callback}`);
    (error as { code?: string }).code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
}

/** True while some simulation run has the globals (for tests and diagnostics). */
export function isBridgeInstalled(): boolean {
  return installedBridge !== undefined;
}
