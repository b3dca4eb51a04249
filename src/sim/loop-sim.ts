// A host's monotonic clock and loop: the LoopPort a simulated component receives. As
// Tornado's IOLoop.time() (time.monotonic) and LoopNode.now(), now() never steps: each host
// may run with an offset and a drift (a rate error; changing it keeps the clock continuous),
// but clock faults step the host's wall clock (Date.now()), not this one. Its timers are
// tagged with the host as owner so a crash can drop them all.
//
// It speaks the IOLoop's vocabulary too (time, addTimeout, removeTimeout beside the port's
// now, callAt, callLater, addCallback, cancel), so code written against an IOLoop reads the
// same on a host. One difference, on purpose: a callback that throws is not logged and
// skipped as IOLoop.handleCallbackException does, it fails the run, so no error goes unseen.

import type { LoopPort, TimerHandle } from '../core/ports.js';
import type { ScheduledTask } from '../core/scheduler.js';
import { checkFinite, checkFunction, checkNonNegative, checkOptions, checkRange, expected } from '../core/validate.js';
import type { SimKernel } from './sim-kernel.js';

export interface LoopSimOptions {
  /** Tag on every timer this loop schedules (the host). */
  owner?: unknown;
  /** Added to virtual time to give this host's clock (ms). */
  offsetMs?: number;
  /** Clock rate error in parts per million (a fast clock is positive), within ±DRIFT_PPM_MAX. */
  driftPpm?: number;
}

/** A drift beyond ±50% is no clock error but a bug in the plan; the bound keeps the clock strictly increasing. */
export const DRIFT_PPM_MAX = 500_000;

export class LoopSim implements LoopPort {
  readonly owner: unknown;
  private offsetMs: number;
  private rate: number;
  private dead = false;

  constructor(
    private readonly kernel: SimKernel,
    options: LoopSimOptions = {},
  ) {
    checkOptions('LoopSim options', options, ['owner', 'offsetMs', 'driftPpm']);
    this.owner = options.owner;
    this.offsetMs = options.offsetMs ?? 0;
    checkFinite('offsetMs', this.offsetMs);
    checkRange('driftPpm', options.driftPpm ?? 0, -DRIFT_PPM_MAX, DRIFT_PPM_MAX);
    this.rate = 1 + (options.driftPpm ?? 0) / 1e6;
  }

  now(): number {
    return this.kernel.now() * this.rate + this.offsetMs;
  }

  /** The IOLoop's name for now(): this host's monotonic clock (ms). */
  time(): number {
    return this.now();
  }

  /** As IOLoop.addTimeout: a number is an absolute time on this clock, `{ delayMs }` is relative to now. */
  addTimeout(deadline: number | { delayMs: number }, callback: () => void): TimerHandle {
    if (typeof deadline === 'number') return this.callAt(deadline, callback);
    if (deadline !== null && typeof deadline === 'object' && typeof deadline.delayMs === 'number') return this.callLater(deadline.delayMs, callback);
    throw new TypeError(expected('deadline', 'a number (absolute ms) or { delayMs }', deadline));
  }

  /** The IOLoop's name for cancel(): safe after the callback ran or was removed. */
  removeTimeout(handle: TimerHandle): void {
    this.cancel(handle);
  }

  callAt(whenMs: number, callback: () => void): TimerHandle {
    checkFinite('whenMs', whenMs);
    checkFunction('callback', callback);
    if (this.dead) return { deadlineMs: whenMs };
    // Timers are relative underneath, like a monotonic clock: the delay is measured on this host's clock.
    const delayMs = Math.max(0, whenMs - this.now()) / this.rate;
    return this.kernel.scheduleTimer(this.kernel.now() + delayMs, callback, this.owner);
  }

  callLater(delayMs: number, callback: () => void): TimerHandle {
    checkNonNegative('delayMs', delayMs);
    checkFunction('callback', callback);
    if (this.dead) return { deadlineMs: this.now() + delayMs };
    return this.kernel.scheduleTimer(this.kernel.now() + delayMs / this.rate, callback, this.owner);
  }

  addCallback(callback: () => void): TimerHandle {
    checkFunction('callback', callback);
    if (this.dead) return { deadlineMs: this.now() };
    return this.kernel.schedule(this.kernel.now(), callback, this.owner);
  }

  cancel(handle: TimerHandle): void {
    this.kernel.cancel(handle as ScheduledTask);
  }

  /**
   * Kills this loop (its host crashed): pending timers are dropped by the caller through the
   * kernel, and anything the dead incarnation schedules from now on is ignored, so code of a
   * crashed process never runs again.
   */
  kill(): void {
    this.dead = true;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /**
   * Steps this clock by `deltaMs`; pending timers keep their real delays. A monotonic clock
   * never does this in a simulation (clock faults step the wall clock): it is here for unit
   * tests of core components against an arbitrary clock (PeriodicCallback's overrun and
   * backwards-clock rules) and for modelling time a callback spent busy.
   */
  jump(deltaMs: number): void {
    checkFinite('deltaMs', deltaMs);
    this.offsetMs += deltaMs;
  }

  setDriftPpm(driftPpm: number): void {
    checkRange('driftPpm', driftPpm, -DRIFT_PPM_MAX, DRIFT_PPM_MAX);
    const now = this.now();
    this.rate = 1 + driftPpm / 1e6;
    // Keep the clock continuous across the rate change.
    this.offsetMs = now - this.kernel.now() * this.rate;
  }
}
