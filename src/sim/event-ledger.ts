// What each kernel event of a simulation costs and leaves behind. The host whose event runs
// pays its CPU time (its next event cannot start before this one ends), and a due event waits
// while its host is paused or still busy. Each event's (sequence, deadline, host) folds into a
// cheap digest that becomes one `steps` trace line per run, so the trace hash covers timer
// order without a line per timer; with `traceEvents`, every event also gets its own line.

import type { ScheduledTask } from '../core/scheduler.js';
import { Incarnation } from './host.js';
import type { SimKernel } from './sim-kernel.js';
import type { Trace } from './trace.js';

export class EventLedger {
  private digest = 0;
  private steps = 0;

  constructor(
    private readonly kernel: SimKernel,
    private readonly trace: Trace,
    private readonly traceEvents: boolean,
  ) {}

  /** Charges `task`'s host its CPU time and records the event (call as it starts). */
  record(task: ScheduledTask): void {
    const incarnation = task.owner instanceof Incarnation ? task.owner : undefined;
    const nowMs = this.kernel.now();
    if (incarnation !== undefined) incarnation.busyUntilMs = nowMs + incarnation.host.eventCpuMs;
    const id = (task.owner as { traceId?: number } | undefined)?.traceId ?? 0;
    this.digest = Math.imul(this.digest ^ task.seq, 0x9e3779b1) ^ Math.imul(id + 1, 0x85ebca6b) ^ (task.deadlineMs | 0);
    this.steps++;
    if (!this.traceEvents) return;
    const host = incarnation?.label;
    this.trace.record(host === undefined ? { tMs: nowMs, kind: 'event', seq: task.seq } : { tMs: nowMs, kind: 'event', host, seq: task.seq });
  }

  /** The kernel's gate: a host's due event waits while the host is paused or still busy with its previous event. */
  readonly gate = (task: ScheduledTask): number | undefined => {
    if (!(task.owner instanceof Incarnation)) return undefined;
    const untilMs = Math.max(task.owner.pausedUntilMs, task.owner.busyUntilMs);
    return untilMs > this.kernel.now() ? untilMs : undefined;
  };

  /** Writes the `steps` line of the events recorded since the last flush (at the end of each run). */
  flush(): void {
    if (this.steps === 0) return;
    const line = { tMs: this.kernel.now(), kind: 'steps', n: this.steps, digest: (this.digest >>> 0).toString(16).padStart(8, '0') };
    this.steps = 0;
    this.trace.record(line);
  }
}
