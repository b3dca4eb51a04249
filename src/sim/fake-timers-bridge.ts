// While a simulation runs, code that knows nothing of it (third-party libraries, the
// service itself) runs on virtual time and the seed. Installed for each run, restored after
// it, also when it throws (the replacements are built once per process and read whichever
// bridge is installed, so every run installs the same functions):
// - Date (new Date(), Date.now()) from @sinonjs/fake-timers, its clock's `now` a getter on the
//   current host's wall clock (stepped by clock faults, backwards too): no per-event cost.
//   Intl.DateTimeFormat's format()/formatToParts() without a date (the engine would read the real
//   time) format that Date.now(): patched on the native prototype, so instances stay native.
// - setTimeout/setInterval/setImmediate/clear* as globals and as node:timers exports, and
//   node:timers/promises (setTimeout, setImmediate, setInterval, scheduler.wait/yield), and
//   AbortSignal.timeout: on the current host's loop (virtual-timers*.ts). util.promisify of the
//   virtual setTimeout/setImmediate gives the virtual promise forms (util.promisify.custom).
// - performance.now()/timeOrigin/mark/measure, process.hrtime(.bigint) and process.uptime(): the
//   current host's monotonic clock (performance.now and uptime count from the incarnation's start;
//   virtual-clocks.ts). Event#timeStamp and os.uptime() stay real.
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
import { GlobalPatches, PatchRecorder, type PatchOp } from './global-patches.js';
import { invalidThis } from './node-errors.js';
import { patchClocks, type ClockSource } from './virtual-clocks.js';
import { exemptRequest, reportPendingHazards, startHazardDetection, stopHazardDetection, type Hazard } from './hazard-detector.js';
import { virtualCrypto } from './virtual-crypto.js';
import { PROMISIFY_CUSTOM, VirtualTimers } from './virtual-timers.js';
import { virtualTimersPromises } from './virtual-timers-promises.js';

export { SimImmediate, SimTimeout } from './virtual-timers.js';

const require = createRequire(import.meta.url);
const timersModule = require('node:timers') as Record<string, unknown>;
const timersPromisesModule = require('node:timers/promises') as Record<string, unknown>;
const cryptoModule = require('node:crypto') as Record<string, unknown> & { webcrypto: object };
const fsModule = require('node:fs') as Record<string, unknown>;

/** What the bridge reads from the simulation, for the code running now (a host's, or the simulation's). */
export interface BridgeSource extends ClockSource {
  /** The loop timers created now belong to: the current host's, else the simulation's. */
  currentLoop(): LoopPort;
  /** The current host's wall clock: ms since the Unix epoch (fractional). */
  wallNow(): number;
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
/** What the shared replacements read: the installed bridge's source, else the last installed one's (a reference kept past its run). */
let activeSource: BridgeSource | undefined;
/** The installed bridge's hazard callback, for the shared fetch replacement. */
let activeOnHazard: ((hazard: Hazard) => void) | undefined;

/** A source that reads whichever bridge is active. */
const dispatchSource: BridgeSource = {
  currentLoop: () => (activeSource as BridgeSource).currentLoop(),
  wallNow: () => (activeSource as BridgeSource).wallNow(),
  random: (purpose) => (activeSource as BridgeSource).random(purpose),
  monotonicNow: () => (activeSource as BridgeSource).monotonicNow(),
  performanceNow: () => (activeSource as BridgeSource).performanceNow(),
  timeOrigin: () => (activeSource as BridgeSource).timeOrigin(),
};

/**
 * The replacements, built once per process on the first install and applied for each run: they
 * read the active bridge's source, so every run gets the same functions. Building them per run
 * (fake-timers' withGlobal and its clock, the timer, clock and crypto closures) took about 100 µs
 * of the 181 µs an install and uninstall cost, 3-4% of the reference worker-crash sweep's CPU.
 */
interface SharedPatches {
  /** Applied for every run. */
  always: PatchOp[];
  /** Applied when the run watches for hazards (fetch, log writes). */
  hazards: PatchOp[];
  /** Numbers timers from 1 at each install, as a new VirtualTimers did. */
  timers: VirtualTimers;
}
let shared: SharedPatches | undefined;

function buildShared(): SharedPatches {
  const always = new PatchRecorder();
  const hazards = new PatchRecorder();
  // fake-timers' Date, its clock's `now` a getter on the active host's wall clock. ClockDate
  // answers instanceof for every Date, so one class serves every run.
  const clock = withGlobal(globalThis).createClock(0);
  Object.defineProperty(clock, 'now', {
    configurable: true,
    // Whole milliseconds, as the real Date.now(): virtual time (latency, drift) is fractional.
    get: () => Math.floor(dispatchSource.wallNow()),
    set: () => {},
  });
  always.assign(globalThis, 'Date', clock.Date);
  const timers = recordTimers(always);
  patchClocks(always, dispatchSource);
  recordRandomness(always);
  recordFetch(hazards);
  recordOutputWrites(hazards);
  return { always: always.ops, hazards: hazards.ops, timers };
}

export class FakeTimersBridge {
  private readonly patches = new GlobalPatches();

  constructor(
    private readonly source: BridgeSource,
    private readonly options: BridgeOptions = {},
  ) {}

  get installed(): boolean {
    return installedBridge === this;
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
    shared ??= buildShared();
    // The process-wide lock: the globals belong to this bridge until it uninstalls.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    installedBridge = this;
    activeSource = this.source;
    const { onHazard } = this.options;
    activeOnHazard = onHazard;
    try {
      shared.timers.reset();
      this.patches.apply(shared.always);
      if (onHazard) this.patches.apply(shared.hazards);
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
    if (installedBridge !== this) return;
    stopHazardDetection();
    this.patches.restore();
    installedBridge = undefined;
    activeOnHazard = undefined;
  }
}

/** The six timer functions and node:timers/promises, on the active host's loop. */
function recordTimers(p: PatchRecorder): VirtualTimers {
  const g = globalThis as Record<string, unknown>;
  const realClearTimeout = globalThis.clearTimeout;
  const realClearImmediate = globalThis.clearImmediate;
  const timers = new VirtualTimers(() => dispatchSource.currentLoop(), {
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
  return timers;
}

function recordRandomness(p: PatchRecorder): void {
  p.set(Math, 'random', () => dispatchSource.random('Math.random').float());
  const crypto = virtualCrypto({ random: () => dispatchSource.random('crypto'), currentLoop: () => dispatchSource.currentLoop() });
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
function recordOutputWrites(p: PatchRecorder): void {
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
    p.setBuiltin(fsModule, name, wrapper);
  }
}

// fetch reaches a real host (there is no simulated fetch): named at the call, before its sockets complete.
function recordFetch(p: PatchRecorder): void {
  const realFetch = globalThis.fetch;
  if (typeof realFetch !== 'function') return;
  p.set(globalThis, 'fetch', (...args: Parameters<typeof fetch>) => {
    // A reference kept past the run (a client module that cached fetch) is plain fetch then.
    activeOnHazard?.({ api: 'fetch (a real HTTP request)', resource: 'fetch' });
    return realFetch(...args);
  });
}

/** True while some simulation run has the globals (for tests and diagnostics). */
export function isBridgeInstalled(): boolean {
  return installedBridge !== undefined;
}
