// What the workers did, seen from outside them: each run of the `apply` method (started, and
// finished if its host lived long enough) by operation id. A worker's memory dies with a crash;
// this ledger is the test's observer, one per scenario run (keyed by the run's History), so the
// invariants can count how many times each operation was applied across every worker.

import type { History } from 'toto-ts/sim';

export interface Application {
  readonly op: string;
  /** `worker-2#1`: host and incarnation. */
  readonly by: string;
  readonly startedAtMs: number;
  finishedAtMs: number | undefined;
}

export class WorkerLedger {
  readonly runs: Application[] = [];
  private readonly appliedByOp = new Map<string, number>();

  start(op: string, by: string, nowMs: number): Application {
    const run: Application = { op, by, startedAtMs: nowMs, finishedAtMs: undefined };
    this.runs.push(run);
    return run;
  }

  /** The method's effect happened (the non-idempotent part: a counter increment). Returns the op's count. */
  apply(run: Application, nowMs: number): number {
    run.finishedAtMs = nowMs;
    const count = (this.appliedByOp.get(run.op) ?? 0) + 1;
    this.appliedByOp.set(run.op, count);
    return count;
  }

  applied(op: string): number {
    return this.appliedByOp.get(op) ?? 0;
  }

  /** Operations applied more than once, with every run of each. */
  appliedTwice(): { op: string; runs: Application[] }[] {
    return [...this.appliedByOp].filter(([, n]) => n > 1).map(([op]) => ({ op, runs: this.runs.filter((r) => r.op === op && r.finishedAtMs !== undefined) }));
  }

  /** Runs that started on an incarnation and never finished (it crashed mid-call). */
  unfinished(): Application[] {
    return this.runs.filter((r) => r.finishedAtMs === undefined);
  }
}

const ledgers = new WeakMap<History, WorkerLedger>();

/** The ledger of the run that `history` belongs to. */
export function workerLedger(history: History): WorkerLedger {
  let ledger = ledgers.get(history);
  if (ledger === undefined) ledgers.set(history, (ledger = new WorkerLedger()));
  return ledger;
}
