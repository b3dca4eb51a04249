// How a serve or receive loop survives a failing socket: before trying again it waits, the wait
// doubling per consecutive failure up to a bound, on the injected loop (core code has no
// timers), and closing the owner cuts the wait short. The worker's REP server, the balancer and
// the worker connection share it, so their loops back off alike and none spins on an error.

import type { LoopPort, TimerHandle } from './ports.js';
import { expected } from './validate.js';

export const FAILURE_BACKOFF_MS_DEFAULT = 10;
export const FAILURE_BACKOFF_MS_MAX_DEFAULT = 1_000;

/** Checks a component's `backoffMs`/`backoffMsMax` options (names as the options spell them). */
export function checkBackoffOptions(backoffMs: unknown, backoffMsMax: unknown): { firstMs: number; maxMs: number } {
  if (typeof backoffMs !== 'number' || !Number.isFinite(backoffMs) || backoffMs < 1) {
    throw new RangeError(expected('backoffMs', 'a finite number >= 1', backoffMs));
  }
  if (typeof backoffMsMax !== 'number' || !Number.isFinite(backoffMsMax) || backoffMsMax < backoffMs) {
    throw new RangeError(expected('backoffMsMax', `a finite number >= backoffMs (${backoffMs})`, backoffMsMax));
  }
  return { firstMs: backoffMs, maxMs: backoffMsMax };
}

export class FailureBackoff {
  private consecutive = 0;
  private stopped = false;
  private pending: { timer: TimerHandle; resolve: () => void } | undefined;

  constructor(
    private readonly loop: LoopPort,
    private readonly firstMs = FAILURE_BACKOFF_MS_DEFAULT,
    private readonly maxMs = FAILURE_BACKOFF_MS_MAX_DEFAULT,
  ) {}

  /** Counts one more consecutive failure; returns its number and the wait it earns. */
  fail(): { consecutive: number; delayMs: number } {
    this.consecutive++;
    // The exponent is capped so a long run of failures cannot overflow to Infinity.
    return { consecutive: this.consecutive, delayMs: Math.min(this.maxMs, this.firstMs * 2 ** Math.min(this.consecutive - 1, 30)) };
  }

  /** A round trip worked: the next failure waits the first delay again. */
  succeed(): void {
    this.consecutive = 0;
  }

  /** Waits `delayMs` on the loop; after stop() it returns at once. */
  wait(delayMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.loop.callLater(delayMs, () => {
        this.pending = undefined;
        resolve();
      });
      this.pending = { timer, resolve };
    });
  }

  /** The owner is closing: a wait in progress ends now, and later ones at once. */
  stop(): void {
    this.stopped = true;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    this.loop.cancel(pending.timer);
    pending.resolve();
  }
}
