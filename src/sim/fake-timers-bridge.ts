// While a simulation runs, code that knows nothing of it (third-party libraries, the
// service itself) runs on virtual time and the seed. Installed for each run, restored after
// it, also when it throws:
// - Date (new Date(), Date.now()) from @sinonjs/fake-timers, its clock's `now` a getter on the
//   current host's wall clock (stepped by clock faults, backwards too): no per-event cost.
//   Intl.DateTimeFormat's format()/formatToParts() without a date (the engine would read the real
//   time) format that Date.now(): patched on the native prototype, so instances stay native.
// - setTimeout/setInterval/setImmediate/clear* as globals and as node:timers exports, and
//   node:timers/promises (setTimeout, setImmediate, setInterval, scheduler.wait/yield), and
//   AbortSignal.timeout: on the current host's loop (virtual-timers*.ts). util.promisify of the
//   virtual setTimeout/setImmediate gives the virtual promise forms (util.promisify.custom).
// - performance.now()/timeOrigin/mark/measure, process.hrtime(.bigint) and process.uptime(): the
//   current host's monotonic clock (performance.now and uptime count from the incarnation's start).
//   Event#timeStamp and os.uptime() stay real (nothing to patch short of replacing Event).
// - Math.random and crypto's randomBytes/randomFill(Sync)/randomInt/randomUUID/getRandomValues
//   (node:crypto and globalThis.crypto): seeded streams per host incarnation.
// ESM named imports of builtins (`import { setTimeout } from 'node:timers'`) follow because the
// CommonJS export objects are patched and then syncBuiltinESMExports() runs (global-patches.ts).
// What stays real (fs, worker_threads, MessageChannel, sockets, fetch, references to the real
// functions taken before the run) is reported as a determinism hazard (hazard-detector.ts).
// Only one bridge may be installed at a time: the globals are process-wide.

import { withGlobal } from '@sinonjs/fake-timers';
import { createRequire } from 'node:module';
import type { LoopPort } from '../core/ports.js';
import type { Random } from '../core/random.js';
import { GlobalPatches } from './global-patches.js';
import { invalidArgType, invalidThis, outOfRange } from './node-errors.js';
import { exemptRequest, reportPendingHazards, startHazardDetection, stopHazardDetection, type Hazard } from './hazard-detector.js';
import { virtualCrypto } from './virtual-crypto.js';
import { PROMISIFY_CUSTOM, VirtualTimers } from './virtual-timers.js';
import { virtualTimersPromises } from './virtual-timers-promises.js';

export { SimImmediate, SimTimeout } from './virtual-timers.js';

type InstalledClock = ReturnType<ReturnType<typeof withGlobal>['install']>;

const require = createRequire(import.meta.url);
const timersModule = require('node:timers') as Record<string, unknown>;
const timersPromisesModule = require('node:timers/promises') as Record<string, unknown>;
const cryptoModule = require('node:crypto') as Record<string, unknown> & { webcrypto: object };
const fsModule = require('node:fs') as Record<string, unknown>;

/** hrtime counts from an arbitrary past, as Node's does from boot: this base keeps it positive under negative host offsets. */
const HRTIME_BASE_MS = 1e7;

/** What the bridge reads from the simulation, for the code running now (a host's, or the simulation's). */
export interface BridgeSource {
  /** The loop timers created now belong to: the current host's, else the simulation's. */
  currentLoop(): LoopPort;
  /** The current host's wall clock: ms since the Unix epoch (fractional). */
  wallNow(): number;
  /** The current host's monotonic clock (ms): its loop.now(). */
  monotonicNow(): number;
  /** Monotonic ms since the current host's incarnation started (performance.now()). */
  performanceNow(): number;
  /** The current host's wall clock when its incarnation started (performance.timeOrigin): fixed, as Node's. */
  timeOrigin(): number;
  /** The current host's seeded stream for `purpose` ('Math.random' or 'crypto'). */
  random(purpose: 'Math.random' | 'crypto'): Random;
}

export interface BridgeOptions {
  /** Report real asynchronous work completing during a run (and calls of fetch). Default false. */
  onHazard?: (hazard: Hazard) => void;
  /** The simulation's own real resources (the kernel's immediates): not hazards. */
  isOwnResource?: (resource: object) => boolean;
}

let installedBridge: FakeTimersBridge | undefined;

export class FakeTimersBridge {
  private clock: InstalledClock | undefined;
  private readonly patches = new GlobalPatches();

  constructor(
    private readonly source: BridgeSource,
    private readonly options: BridgeOptions = {},
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
    const clock = withGlobal(globalThis).install({ now: Math.floor(source.wallNow()), toFake: ['Date'], shouldClearNativeTimers: false });
    Object.defineProperty(clock, 'now', {
      configurable: true,
      // Whole milliseconds, as the real Date.now(): virtual time (latency, drift) is fractional.
      get: () => Math.floor(source.wallNow()),
      set: () => {},
    });
    this.clock = clock;
    // The process-wide lock: the globals belong to this bridge until it uninstalls.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    installedBridge = this;
    try {
      this.patchTimers();
      this.patchClocks();
      this.patchRandomness();
      const { onHazard } = this.options;
      if (onHazard) {
        this.patchFetch(onHazard);
        this.patchOutputWrites();
      }
      this.patches.sync();
      if (onHazard) startHazardDetection(this.options.isOwnResource ?? (() => false), onHazard);
    } catch (error) {
      this.uninstall();
      throw error;
    }
  }

  /** Reports real work the run started that is still pending (call as the run ends, before uninstall). */
  reportPending(): void {
    if (installedBridge === this && this.options.onHazard) reportPendingHazards();
  }

  /** Restores every global. Safe to call when not installed. */
  uninstall(): void {
    if (installedBridge !== this || !this.clock) return;
    stopHazardDetection();
    this.patches.restore();
    this.clock.uninstall();
    this.clock = undefined;
    installedBridge = undefined;
  }

  private patchTimers(): void {
    const p = this.patches;
    const g = globalThis as Record<string, unknown>;
    const realClearTimeout = globalThis.clearTimeout;
    const realClearImmediate = globalThis.clearImmediate;
    const timers = new VirtualTimers(() => this.source.currentLoop(), {
      timeout: (timer) => realClearTimeout(timer as NodeJS.Timeout),
      immediate: (immediate) => realClearImmediate(immediate as NodeJS.Immediate),
    });
    const promises = virtualTimersPromises(timers);
    // util.promisify(setTimeout) reads this symbol, as on Node's own functions.
    const setTimeout = Object.assign(timers.setTimeout, { [PROMISIFY_CUSTOM]: promises.setTimeout });
    const setImmediate = Object.assign(timers.setImmediate, { [PROMISIFY_CUSTOM]: promises.setImmediate });
    const functions = { setTimeout, setInterval: timers.setInterval, setImmediate, clearTimeout: timers.clearTimeout, clearInterval: timers.clearInterval, clearImmediate: timers.clearImmediate };
    for (const [name, fn] of Object.entries(functions)) {
      p.set(g, name, fn);
      p.setBuiltin(timersModule, name, fn);
    }
    p.setBuiltin(timersPromisesModule, 'setTimeout', promises.setTimeout);
    p.setBuiltin(timersPromisesModule, 'setImmediate', promises.setImmediate);
    p.setBuiltin(timersPromisesModule, 'setInterval', promises.setInterval);
    p.setBuiltin(timersPromisesModule, 'scheduler', promises.scheduler);
    p.set(AbortSignal, 'timeout', promises.abortSignalTimeout);
  }

  private patchClocks(): void {
    const source = this.source;
    const p = this.patches;
    p.set(performance, 'now', () => source.performanceNow());
    p.getter(performance, 'timeOrigin', () => source.timeOrigin());
    const hrtime = (previous?: readonly [number, number]): [number, number] => {
      if (previous !== undefined) {
        if (!Array.isArray(previous)) throw invalidArgType('time', 'an instance of Array', previous);
        if (previous.length !== 2) throw outOfRange('time', '2', previous.length);
      }
      const ms = source.monotonicNow() + HRTIME_BASE_MS;
      let seconds = Math.floor(ms / 1000);
      let nanos = Math.round((ms - seconds * 1000) * 1e6);
      if (nanos >= 1e9) {
        seconds++;
        nanos -= 1e9;
      }
      if (previous === undefined) return [seconds, nanos];
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) {
        seconds--;
        nanos += 1e9;
      }
      return [seconds, nanos];
    };
    const bigint = (): bigint => {
      const ms = source.monotonicNow() + HRTIME_BASE_MS;
      const whole = Math.floor(ms);
      return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
    };
    p.set(process, 'hrtime', Object.assign(hrtime, { bigint }));
    p.set(process, 'uptime', () => source.performanceNow() / 1000);
    this.patchMarks();
    this.patchIntl();
  }

  // The formatter's own methods, not the constructor (fake-timers' Intl returns plain objects,
  // which fail `instanceof Intl.DateTimeFormat`): only "now" changes, to the virtual Date.now().
  private patchIntl(): void {
    const proto = Intl.DateTimeFormat.prototype;
    const nativeFormat = Object.getOwnPropertyDescriptor(proto, 'format')?.get;
    const nativeFormatToParts = proto.formatToParts;
    if (nativeFormat === undefined) return;
    this.patches.getter(proto, 'format', function format(this: Intl.DateTimeFormat) {
      const bound = nativeFormat.call(this) as (date?: Date | number) => string;
      return (date?: Date | number) => bound(date === undefined ? Date.now() : date);
    });
    this.patches.set(proto, 'formatToParts', function formatToParts(this: Intl.DateTimeFormat, date?: Date | number) {
      return nativeFormatToParts.call(this, date === undefined ? Date.now() : date);
    });
  }

  // performance.mark() and measure() without an explicit time read Node's internal clock, not
  // performance.now(): give them the host's "now" where the caller left it out.
  private patchMarks(): void {
    const source = this.source;
    const realMark = performance.mark;
    const realMeasure = performance.measure;
    const isOptions = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
    type MarkOptions = Parameters<typeof realMark>[1];
    this.patches.set(performance, 'mark', function mark(this: typeof performance, name: string, options?: MarkOptions | null) {
      if (options === undefined || options === null) return realMark.call(this, name, { startTime: source.performanceNow() });
      if (isOptions(options) && options.startTime === undefined) return realMark.call(this, name, { ...options, startTime: source.performanceNow() });
      return realMark.call(this, name, options);
    });
    this.patches.set(performance, 'measure', function measure(this: typeof performance, name: string, start?: unknown, end?: unknown) {
      if (end === undefined) {
        if (start === undefined || typeof start === 'string') return realMeasure.call(this, name, { start, end: source.performanceNow() });
        if (isOptions(start) && start.end === undefined && start.duration === undefined) return realMeasure.call(this, name, { ...start, end: source.performanceNow() });
      }
      return Reflect.apply(realMeasure, this, [name, start, end]) as ReturnType<typeof realMeasure>;
    });
  }

  private patchRandomness(): void {
    const source = this.source;
    const p = this.patches;
    p.set(Math, 'random', () => source.random('Math.random').float());
    const crypto = virtualCrypto({ random: () => source.random('crypto'), currentLoop: () => source.currentLoop() });
    for (const name of ['randomBytes', 'randomFill', 'randomFillSync', 'randomInt', 'randomUUID'] as const) p.setBuiltin(cryptoModule, name, crypto[name]);
    // node:crypto's getRandomValues calls webcrypto's; both read the instance's own property first.
    // As Node's, the Crypto methods refuse any other `this` (a detached `const { getRandomValues } = crypto`).
    for (const target of new Set([cryptoModule.webcrypto, globalThis.crypto].filter((c) => c !== undefined))) {
      p.set(target, 'getRandomValues', function getRandomValues(this: unknown, array: ArrayBufferView | null) {
        if (this !== target) throw invalidThis('Crypto');
        return crypto.getRandomValues(array);
      });
      p.set(target, 'randomUUID', function randomUUID(this: unknown) {
        if (this !== target) throw invalidThis('Crypto');
        return crypto.randomUUID();
      });
    }
  }

  // Asynchronous writes to stdout/stderr (pino's default destination) are log output, not hazards.
  private patchOutputWrites(): void {
    for (const name of ['write', 'writev']) {
      const real = fsModule[name] as (...args: unknown[]) => unknown;
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        if (args[0] !== 1 && args[0] !== 2) return Reflect.apply(real, this, args);
        return exemptRequest(() => Reflect.apply(real, this, args));
      };
      // Keep its name and length, and the symbols util.promisify reads (fs.write resolves { bytesWritten, buffer }).
      Object.defineProperty(wrapper, 'name', { value: name });
      Object.defineProperty(wrapper, 'length', { value: real.length });
      for (const symbol of Object.getOwnPropertySymbols(real)) Object.defineProperty(wrapper, symbol, Object.getOwnPropertyDescriptor(real, symbol) as PropertyDescriptor);
      this.patches.setBuiltin(fsModule, name, wrapper);
    }
  }

  // fetch reaches a real host (there is no simulated fetch): named at the call, before its sockets complete.
  private patchFetch(onHazard: (hazard: Hazard) => void): void {
    const realFetch = globalThis.fetch;
    if (typeof realFetch !== 'function') return;
    this.patches.set(globalThis, 'fetch', (...args: Parameters<typeof fetch>) => {
      // A reference kept past the run (a client module that cached fetch) is plain fetch then.
      if (installedBridge === this) onHazard({ api: 'fetch (a real HTTP request)', resource: 'fetch' });
      return realFetch(...args);
    });
  }
}

/** True while some simulation run has the globals (for tests and diagnostics). */
export function isBridgeInstalled(): boolean {
  return installedBridge !== undefined;
}
