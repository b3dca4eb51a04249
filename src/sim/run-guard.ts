// How a simulated run fails: errors get the seed, virtual time and host appended (in place,
// so their class and identity survive for `instanceof` and `toBe`), and while a run is in
// progress the simulation owns unhandled promise rejections, which fail it.

import { describe } from '../core/validate.js';

/** Where a failure happened, as annotated on the error. */
export interface FailurePlace {
  seed: number;
  virtualTimeMs: number;
  /** `name#incarnation`, if a host's event was running. */
  host: string | undefined;
}

const annotated = new WeakSet<object>();

/** Appends `[seed S, virtual time Tms, host H]` to the error's message (once); wraps a non-Error. */
export function annotateFailure(error: unknown, place: FailurePlace): Error {
  const failure = error instanceof Error ? error : new Error(`non-Error thrown: ${describe(error)}`);
  if (annotated.has(failure)) return failure;
  annotated.add(failure);
  const where = `seed ${place.seed}, virtual time ${place.virtualTimeMs}ms, host ${place.host ?? '(none)'}`;
  const original = failure.message;
  failure.message = `${original} [${where}]`;
  if (typeof failure.stack === 'string') failure.stack = failure.stack.replace(original, failure.message);
  Object.assign(failure, { simSeed: place.seed, simTimeMs: place.virtualTimeMs, simHost: place.host });
  return failure;
}

/**
 * Takes over 'unhandledRejection' for a run's duration: the process's other listeners (a test
 * runner's) are set aside, so a rejection fails the run instead of being reported twice, and
 * are put back afterwards.
 */
export class RejectionGuard {
  private saved: NodeJS.UnhandledRejectionListener[] | undefined;

  constructor(private readonly onRejection: (reason: unknown) => void) {}

  install(): void {
    if (this.saved) return;
    this.saved = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', this.listener);
  }

  uninstall(): void {
    if (!this.saved) return;
    process.removeListener('unhandledRejection', this.listener);
    for (const listener of this.saved) process.on('unhandledRejection', listener);
    this.saved = undefined;
  }

  private readonly listener = (reason: unknown): void => this.onRejection(reason);
}
