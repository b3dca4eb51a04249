// Timer lines for a trace that keeps every line (`--trace`, the viewer): each timer a loop sets
// (callAt, callLater, and so setTimeout/setInterval on a host) as `timer-set` with its due time,
// then `timer-fire` when it runs or `timer-cancel` when it is cleared. `timer` is the same id in
// all three (kept when a paused or busy host defers the timer). Host timers carry their host; the
// simulation's own (the workload's sleeps, fault timelines) go on the network lane.
// Not hashed, not counted (Trace.note): a traced replay hashes as the sweep's run, which keeps
// no line. The hash still covers timer order: every kernel event's (sequence, deadline, host)
// folds into the run's `steps` line (event-ledger.ts). Immediates (addCallback, setImmediate)
// are not timers and get no line; `traceEvents` writes a line for every kernel event.

import type { ScheduledTask } from '../core/scheduler.js';
import { Incarnation } from './host.js';
import type { SimKernel } from './sim-kernel.js';
import type { Trace, TraceEvent } from './trace.js';

function line(kernel: SimKernel, kind: string, task: ScheduledTask, id: number): TraceEvent {
  const tMs = kernel.now();
  const host = task.owner instanceof Incarnation ? task.owner.host.name : undefined;
  return host === undefined ? { tMs, kind, timer: id } : { tMs, kind, host, timer: id };
}

/** Writes timer lines into `trace` from now on (only a trace that keeps every line keeps them). */
export function traceTimers(kernel: SimKernel, trace: Trace): void {
  if (!trace.keepsAll) return;
  kernel.setTimerTracer({
    set: (task, id) => trace.note({ ...line(kernel, 'timer-set', task, id), dueMs: task.deadlineMs }),
    fire: (task, id) => trace.note(line(kernel, 'timer-fire', task, id)),
    cancel: (task, id) => trace.note(line(kernel, 'timer-cancel', task, id)),
  });
}
