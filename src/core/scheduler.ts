// The timer queue both worlds share: a binary min-heap ordered by (deadline, insertion
// sequence), so two entries never tie and equal deadlines run in the order they were added.
// Each entry remembers its heap index, so cancel is O(log n) and nothing cancelled lingers.

import type { TimerHandle } from './ports.js';

/** One scheduled callback. It is also the handle given back to callers. */
export interface ScheduledTask extends TimerHandle {
  readonly deadlineMs: number;
  /** Insertion sequence number: the tie-breaker. */
  readonly seq: number;
  readonly callback: () => void;
  /** Who scheduled it (a host name in the simulation); opaque to the scheduler. */
  readonly owner: unknown;
  /** Position in the heap, or -1 once popped or cancelled. */
  index: number;
}

export class Scheduler {
  private readonly heap: ScheduledTask[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds a callback due at `deadlineMs`. */
  schedule(deadlineMs: number, callback: () => void, owner?: unknown): ScheduledTask {
    const task: ScheduledTask = { deadlineMs, seq: this.nextSeq++, callback, owner, index: this.heap.length };
    this.heap.push(task);
    this.siftUp(task.index);
    return task;
  }

  /** Removes a task; returns false if it already ran or was cancelled. */
  cancel(handle: TimerHandle): boolean {
    const task = handle as ScheduledTask;
    const i = task.index;
    if (i < 0 || this.heap[i] !== task) return false;
    task.index = -1;
    const last = this.heap.pop() as ScheduledTask;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.index = i;
      this.siftDown(i);
      this.siftUp(last.index);
    }
    return true;
  }

  /** True if the handle is still waiting to run. */
  isPending(handle: TimerHandle): boolean {
    const task = handle as ScheduledTask;
    return task.index >= 0 && this.heap[task.index] === task;
  }

  /** The next task to run, without removing it. */
  peek(): ScheduledTask | undefined {
    return this.heap[0];
  }

  /** Removes and returns the next task to run. */
  pop(): ScheduledTask | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    top.index = -1;
    const last = heap.pop() as ScheduledTask;
    if (heap.length > 0) {
      heap[0] = last;
      last.index = 0;
      this.siftDown(0);
    }
    return top;
  }

  /** Removes and returns the next task if it is due at `nowMs`. */
  popDue(nowMs: number): ScheduledTask | undefined {
    const top = this.heap[0];
    return top !== undefined && top.deadlineMs <= nowMs ? this.pop() : undefined;
  }

  /** Removes every task for which `predicate` holds (a crashed host's timers); returns how many. */
  removeWhere(predicate: (task: ScheduledTask) => boolean): number {
    // Ask about every task before changing any, so a predicate that throws leaves the heap as it was.
    const doomed = this.heap.map((task) => predicate(task));
    const kept: ScheduledTask[] = [];
    let removed = 0;
    this.heap.forEach((task, i) => {
      if (doomed[i]) {
        task.index = -1;
        removed++;
      } else kept.push(task);
    });
    if (removed === 0) return 0;
    kept.sort((a, b) => a.deadlineMs - b.deadlineMs || a.seq - b.seq);
    this.heap.length = 0;
    for (const task of kept) {
      task.index = this.heap.length;
      this.heap.push(task);
    }
    return removed;
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    let i = start;
    const task = heap[i] as ScheduledTask;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as ScheduledTask;
      if (!before(task, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = task;
    task.index = i;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = start;
    const task = heap[i] as ScheduledTask;
    while (true) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as ScheduledTask, heap[left] as ScheduledTask)) child = right;
      const childTask = heap[child] as ScheduledTask;
      if (!before(childTask, task)) break;
      heap[i] = childTask;
      childTask.index = i;
      i = child;
    }
    heap[i] = task;
    task.index = i;
  }
}

function before(a: ScheduledTask, b: ScheduledTask): boolean {
  return a.deadlineMs < b.deadlineMs || (a.deadlineMs === b.deadlineMs && a.seq < b.seq);
}
