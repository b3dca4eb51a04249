// Timer lines for a trace that keeps every line (`--trace`, the viewer): each timer a loop sets
// (callAt, callLater, and so setTimeout/setInterval on a host) as `timer-set` with its due time,
// then `timer-fire` when it runs or `timer-cancel` when it is cleared. `timer` is the same id in
// all three (kept when a paused or busy host defers the timer). Only hosts' timers: the
// simulation's own (the workload's sleeps, the fault timeline, the heal at durationMs) are the
// test's machinery, not the system's, and would crowd the network lane.
// Not hashed, not counted (Trace.note): a traced replay hashes as the sweep's run, which keeps
// no line. The hash still covers timer order: every kernel event's (sequence, deadline, host)
// folds into the run's `steps` line (event-ledger.ts). Immediates (addCallback, setImmediate)
// are not timers and get no line; `traceEvents` writes a line for every kernel event.

import type { ScheduledTask } from '../core/scheduler.js';
import { Incarnation } from './host.js';
import type { SimKernel } from './sim-kernel.js';
import type { Trace, TraceEvent } from './trace.js';

/** Writes a host timer's line; the simulation's own timers get none. */
function note(trace: Trace, kernel: SimKernel, kind: string, task: ScheduledTask, id: number): void {
  if (!(task.owner instanceof Incarnation)) return;
  const event: TraceEvent = { tMs: kernel.now(), kind, host: task.owner.host.name, timer: id };
  if (kind === 'timer-set') event.dueMs = task.deadlineMs;
  trace.note(event);
}

/** Writes timer lines into `trace` from now on (only a trace that keeps every line keeps them). */
export function traceTimers(kernel: SimKernel, trace: Trace): void {
  if (!trace.keepsAll) return;
  kernel.setTimerTracer({
    set: (task, id) => note(trace, kernel, 'timer-set', task, id),
    fire: (task, id) => note(trace, kernel, 'timer-fire', task, id),
    cancel: (task, id) => note(trace, kernel, 'timer-cancel', task, id),
  });
}
