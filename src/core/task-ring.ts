// The TaskQueue's waiting line: a growable ring buffer storing each task's five fields
// flat (fn, args, resolve, reject, ticket) so queuing a task allocates nothing. Aborted
// tasks stay behind as tombstones until they reach the head or the ring is compacted.

export type Task = (...args: any[]) => unknown;
export type Resolve = (value: unknown) => void;
export type Reject = (error: unknown) => void;

/** Attached to an abortable queued task; `done` once it started or was aborted. */
export interface Ticket {
  done: boolean;
  readonly signal: { readonly reason?: unknown; removeEventListener(type: 'abort', listener: () => void): void };
  readonly listener: () => void;
}

/** Where a task is unloaded to (a runner keeps these fields, sparing a closure per task). */
export interface TaskSlot {
  fn: Task | undefined;
  args: unknown[] | undefined;
  resolve: Resolve | undefined;
  reject: Reject | undefined;
}

const STRIDE = 5;
const CAPACITY_MIN = 16;
// Past this many tombstones (and half the ring) the ring is compacted.
const TOMBSTONES_MAX = 1024;

export class TaskRing {
  private ring: unknown[] = new Array<unknown>(CAPACITY_MIN * STRIDE).fill(undefined);
  private mask = CAPACITY_MIN - 1;
  private head = 0;
  /** Occupied slots, tombstones included. */
  private size = 0;
  private tombstones = 0;

  /** Tasks waiting that were not aborted. */
  get live(): number {
    return this.size - this.tombstones;
  }

  push(fn: Task, args: unknown[], resolve: Resolve | undefined, reject: Reject | undefined, ticket: Ticket | undefined): void {
    if (this.size > this.mask) this.rebuild((this.mask + 1) * 2);
    const ring = this.ring;
    const base = ((this.head + this.size) & this.mask) * STRIDE;
    ring[base] = fn;
    ring[base + 1] = args;
    ring[base + 2] = resolve;
    ring[base + 3] = reject;
    ring[base + 4] = ticket;
    this.size++;
  }

  /** Moves the oldest live task into `slot` (skipping tombstones); false if none is left. */
  shiftInto(slot: TaskSlot): boolean {
    const ring = this.ring;
    while (this.size > 0) {
      const base = this.head * STRIDE;
      const ticket = ring[base + 4] as Ticket | undefined;
      slot.fn = ring[base] as Task;
      slot.args = ring[base + 1] as unknown[];
      slot.resolve = ring[base + 2] as Resolve | undefined;
      slot.reject = ring[base + 3] as Reject | undefined;
      ring[base] = ring[base + 1] = ring[base + 2] = ring[base + 3] = ring[base + 4] = undefined;
      this.head = (this.head + 1) & this.mask;
      this.size--;
      if (ticket !== undefined) {
        if (ticket.done) {
          this.tombstones--;
          continue;
        }
        ticket.done = true;
        ticket.signal.removeEventListener('abort', ticket.listener);
      }
      return true;
    }
    slot.fn = slot.args = slot.resolve = slot.reject = undefined;
    return false;
  }

  /** Counts a queued task as aborted (its ticket is already marked done); compacts when tombstones pile up. */
  tombstone(): void {
    this.tombstones++;
    if (this.tombstones > TOMBSTONES_MAX && this.tombstones * 2 > this.size) this.rebuild(this.mask + 1);
  }

  /** Copies the live tasks, in order, into a fresh ring of `capacity` slots (dropping tombstones). */
  private rebuild(capacity: number): void {
    const old = this.ring;
    const oldMask = this.mask;
    let live = 0;
    const ring = new Array<unknown>(capacity * STRIDE).fill(undefined);
    for (let i = 0; i < this.size; i++) {
      const from = ((this.head + i) & oldMask) * STRIDE;
      const ticket = old[from + 4] as Ticket | undefined;
      if (ticket !== undefined && ticket.done) continue;
      const to = live * STRIDE;
      for (let k = 0; k < STRIDE; k++) ring[to + k] = old[from + k];
      live++;
    }
    this.ring = ring;
    this.mask = capacity - 1;
    this.head = 0;
    this.size = live;
    this.tombstones = 0;
  }
}
