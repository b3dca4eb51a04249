// The clocks code reads, on a simulation's clocks while a run is in progress: performance.now()
// and timeOrigin, performance.mark()/measure() without an explicit time, process.hrtime(.bigint)
// and process.uptime() on the current host's monotonic clock, and Intl.DateTimeFormat's
// format()/formatToParts() of "now" on its wall clock (Date itself comes from fake-timers in
// fake-timers-bridge.ts). Event#timeStamp and os.uptime() stay real: nothing to patch short of
// replacing Event.

import type { PatchSink } from './global-patches.js';
import { invalidArgType, outOfRange } from './node-errors.js';

/** hrtime counts from an arbitrary past, as Node's does from boot: this base keeps it positive under negative host offsets. */
const HRTIME_BASE_MS = 1e7;

/** The current host's clocks (the simulation's outside hosts). */
export interface ClockSource {
  /** The monotonic clock (ms): the host's loop.now(). */
  monotonicNow(): number;
  /** Monotonic ms since the host's incarnation started (performance.now()). */
  performanceNow(): number;
  /** The wall clock when the incarnation started (performance.timeOrigin): fixed, as Node's. */
  timeOrigin(): number;
}

/** Puts performance.now/timeOrigin/mark/measure, process.hrtime(.bigint)/uptime and Intl's "now" on `source`'s clocks until `patches` are restored. */
export function patchClocks(p: PatchSink, source: ClockSource): void {
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
  patchMarks(p, source);
  patchIntl(p);
}

// The formatter's own methods, not the constructor (fake-timers' Intl returns plain objects,
// which fail `instanceof Intl.DateTimeFormat`): only "now" changes, to the virtual Date.now().
function patchIntl(p: PatchSink): void {
  const proto = Intl.DateTimeFormat.prototype;
  const nativeFormat = Object.getOwnPropertyDescriptor(proto, 'format')?.get;
  const nativeFormatToParts = proto.formatToParts;
  if (nativeFormat === undefined) return;
  p.getter(proto, 'format', function format(this: Intl.DateTimeFormat) {
    const bound = nativeFormat.call(this) as (date?: Date | number) => string;
    return (date?: Date | number) => bound(date === undefined ? Date.now() : date);
  });
  p.set(proto, 'formatToParts', function formatToParts(this: Intl.DateTimeFormat, date?: Date | number) {
    return nativeFormatToParts.call(this, date === undefined ? Date.now() : date);
  });
}

// performance.mark() and measure() without an explicit time read Node's internal clock, not
// performance.now(): give them the host's "now" where the caller left it out.
function patchMarks(p: PatchSink, source: ClockSource): void {
  const realMark = performance.mark;
  const realMeasure = performance.measure;
  const isOptions = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  type MarkOptions = Parameters<typeof realMark>[1];
  p.set(performance, 'mark', function mark(this: typeof performance, name: string, options?: MarkOptions | null) {
    if (options === undefined || options === null) return realMark.call(this, name, { startTime: source.performanceNow() });
    if (isOptions(options) && options.startTime === undefined) return realMark.call(this, name, { ...options, startTime: source.performanceNow() });
    return realMark.call(this, name, options);
  });
  p.set(performance, 'measure', function measure(this: typeof performance, name: string, start?: unknown, end?: unknown) {
    if (end === undefined) {
      if (start === undefined || typeof start === 'string') return realMeasure.call(this, name, { start, end: source.performanceNow() });
      if (isOptions(start) && start.end === undefined && start.duration === undefined) return realMeasure.call(this, name, { ...start, end: source.performanceNow() });
    }
    return Reflect.apply(realMeasure, this, [name, start, end]) as ReturnType<typeof realMeasure>;
  });
}
