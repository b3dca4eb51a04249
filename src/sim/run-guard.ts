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
  // Read the stack first: V8 formats it lazily, and formatted after the change it would carry the place twice.
  const stack = failure.stack;
  failure.message = `${original} [${where}]`;
  if (typeof stack === 'string') failure.stack = stack.replace(original, failure.message);
  Object.assign(failure, { simSeed: place.seed, simTimeMs: place.virtualTimeMs, simHost: place.host });
  return failure;
}

type RejectionListener = (reason: unknown) => void;

/** The guards of the runs in progress (several simulations may run at once with fakeTimers: false). */
const activeGuards: RejectionGuard[] = [];
/** The process's own listeners, set aside while any guard is active. */
let setAside: NodeJS.UnhandledRejectionListener[] | undefined;
// One process listener for all guards: guards that come and go in any order then never leave
// one of theirs installed, nor restore another's. A rejection cannot be attributed to one of
// several concurrent runs, so it fails each of them.
const dispatch = (reason: unknown): void => {
  for (const guard of [...activeGuards]) guard.notify(reason);
};

/**
 * Takes over 'unhandledRejection' for a run's duration: the process's other listeners (a test
 * runner's) are set aside, so a rejection fails the run instead of being reported twice, and
 * are put back when the last run in progress ends.
 */
export class RejectionGuard {
  constructor(private readonly onRejection: RejectionListener) {}

  install(): void {
    if (activeGuards.includes(this)) return;
    if (activeGuards.length === 0) {
      setAside = process.listeners('unhandledRejection');
      process.removeAllListeners('unhandledRejection');
      process.on('unhandledRejection', dispatch);
    }
    activeGuards.push(this);
  }

  uninstall(): void {
    const i = activeGuards.indexOf(this);
    if (i < 0) return;
    activeGuards.splice(i, 1);
    if (activeGuards.length > 0) return;
    process.removeListener('unhandledRejection', dispatch);
    for (const listener of setAside ?? []) process.on('unhandledRejection', listener);
    setAside = undefined;
  }

  /** @internal */
  notify(reason: unknown): void {
    this.onRejection(reason);
  }
}
