// Beyond Toto: a window of recent replies by call id, so a call the connection re-sends (a
// retry after a timeout, a duplicate from a healed partition) is not applied twice. A call id
// seen while its first run is still going waits for that run; one seen after it finished gets
// the stored reply; the method runs once per id as long as the id stays in the window.
//
// Entries sit in a Map by id and in a FIFO in completion order. With a fixed TTL and a clock
// that never goes back, completion order is expiry order, so expiring (and evicting the oldest)
// is popping the FIFO's head: O(1) amortized, never a scan. The FIFO is an array with a head
// index, not the Map's own order: a Map used as a queue keeps its deleted slots until it
// rehashes, and every walk from its front skips them all (measured: 10x slower at 100,000
// entries). Expiry is lazy (checked on each use), so the window needs no timer to cancel.

import type { LoopPort } from './ports.js';
import { checkFunction, checkInteger, checkNonNegative, checkNonEmptyString, checkOptions, expected } from './validate.js';

export interface IdempotencyWindowOptions {
  /** The clock the TTL is measured on. */
  loop: LoopPort;
  /** How long a reply is kept after its run finished, in ms (> 0). Longer than a client's whole retry span. */
  ttlMs: number;
  /** Most replies kept; the oldest is evicted first. Default 100,000. */
  entriesMax?: number;
  /**
   * A call arriving while its id has been running longer than this starts a new run instead of
   * waiting: liveness over at-most-once, for a run that may never finish (a router forwarding
   * to a worker that crashed). Default Infinity: always wait, never run an id twice at once.
   */
  inFlightMaxMs?: number;
}

export interface IdempotencyStats {
  /** Calls answered from a stored reply. */
  hits: number;
  /** Calls that arrived while the same id was running and waited for that run. */
  inFlightJoins: number;
  /** Replies dropped before their TTL because the window was full. */
  evictions: number;
  /** Replies dropped because their TTL passed. */
  expirations: number;
  /** Stored entries whose expiry was examined: the expiry work, at most expirations + one per call (no scans). */
  expiryChecks: number;
  /** Replies stored now. */
  size: number;
  /** Calls that found their id running longer than inFlightMaxMs and started a new run. */
  inFlightAbandoned: number;
  /** Ids running now. */
  inFlight: number;
}

interface Running<V> {
  readonly promise: Promise<V>;
  readonly startedAtMs: number;
}

export const IDEMPOTENCY_ENTRIES_MAX_DEFAULT = 100_000;

interface Stored<V> {
  readonly key: string;
  readonly value: V;
  readonly expiresAtMs: number;
}

/** The FIFO is compacted when its consumed head is at least this long and half the array. */
const COMPACT_MIN = 1024;

export class IdempotencyWindow<V> {
  readonly ttlMs: number;
  readonly entriesMax: number;
  private readonly loop: LoopPort;
  private readonly stored = new Map<string, Stored<V>>();
  /** Every stored entry in completion order, from `head`; an entry no longer in `stored` is stale and skipped. */
  private queue: (Stored<V> | undefined)[] = [];
  private head = 0;
  private readonly running = new Map<string, Running<V>>();
  private readonly inFlightMaxMs: number;
  private inFlightAbandoned = 0;
  private hits = 0;
  private inFlightJoins = 0;
  private evictions = 0;
  private expirations = 0;
  private expiryChecks = 0;

  constructor(options: IdempotencyWindowOptions) {
    checkOptions('IdempotencyWindow options', options, ['loop', 'ttlMs', 'entriesMax', 'inFlightMaxMs']);
    if (options === undefined) throw new TypeError(expected('IdempotencyWindow options', 'an options object', options));
    const { loop, ttlMs, entriesMax = IDEMPOTENCY_ENTRIES_MAX_DEFAULT, inFlightMaxMs = Infinity } = options;
    if (loop === null || typeof loop !== 'object' || typeof (loop as LoopPort).now !== 'function') {
      throw new TypeError(expected('loop', 'a LoopPort', loop));
    }
    checkNonNegative('ttlMs', ttlMs);
    if (ttlMs === 0) throw new RangeError(expected('ttlMs', 'a finite number > 0', ttlMs));
    checkInteger('entriesMax', entriesMax, 1);
    if (typeof inFlightMaxMs !== 'number' || !(inFlightMaxMs >= 0)) {
      throw new RangeError(expected('inFlightMaxMs', 'a number >= 0 (Infinity: always wait)', inFlightMaxMs));
    }
    this.inFlightMaxMs = inFlightMaxMs;
    this.loop = loop;
    this.ttlMs = ttlMs;
    this.entriesMax = entriesMax;
  }

  /**
   * The reply for `key`: the stored one, the one of the run in flight, or `compute()`'s, which
   * is then stored. A run that fails (throws or rejects) is not stored: those waiting on it get
   * the same failure and the next call with that id runs again.
   */
  run(key: string, compute: () => V | PromiseLike<V>): Promise<V> {
    checkNonEmptyString('key', key);
    checkFunction('compute', compute);
    const now = this.loop.now();
    this.expire(now);
    const stored = this.stored.get(key);
    if (stored !== undefined) {
      if (stored.expiresAtMs > now) {
        this.hits++;
        return Promise.resolve(stored.value);
      }
      // Only reachable if the clock went back: the front of the queue was not yet due. Its queue
      // slot goes stale and is skipped when it reaches the head.
      this.stored.delete(key);
      this.expirations++;
    }
    const pending = this.running.get(key);
    if (pending !== undefined) {
      if (now - pending.startedAtMs <= this.inFlightMaxMs) {
        this.inFlightJoins++;
        return pending.promise;
      }
      this.inFlightAbandoned++;
    }
    const run = (async () => compute())();
    // The stored entry is written before any waiter resumes, so a call right after sees it. An
    // abandoned run that finishes late stores its reply too (the last to finish is kept): either
    // is a true reply to that call.
    const settled = run.then(
      (value) => {
        if (this.running.get(key) === entry) this.running.delete(key);
        this.store(key, value);
        return value;
      },
      (error: unknown) => {
        if (this.running.get(key) === entry) this.running.delete(key);
        throw error;
      },
    );
    const entry: Running<V> = { promise: settled, startedAtMs: now };
    this.running.set(key, entry);
    return settled;
  }

  /** True when a reply for `key` is stored and not expired (a lookup; it counts no hit). */
  has(key: string): boolean {
    const stored = this.stored.get(key);
    return stored !== undefined && stored.expiresAtMs > this.loop.now();
  }

  /** Drops expired replies now (run() does it on each call). */
  purge(): void {
    this.expire(this.loop.now());
  }

  get stats(): IdempotencyStats {
    return {
      hits: this.hits,
      inFlightJoins: this.inFlightJoins,
      evictions: this.evictions,
      expirations: this.expirations,
      expiryChecks: this.expiryChecks,
      size: this.stored.size,
      inFlightAbandoned: this.inFlightAbandoned,
      inFlight: this.running.size,
    };
  }

  private store(key: string, value: V): void {
    const now = this.loop.now();
    this.expire(now);
    // A key stored again replaces its entry; the old queue slot goes stale.
    const entry: Stored<V> = { key, value, expiresAtMs: now + this.ttlMs };
    this.stored.set(key, entry);
    this.queue.push(entry);
    while (this.stored.size > this.entriesMax) {
      const oldest = this.front();
      if (oldest === undefined) break;
      this.stored.delete(oldest.key);
      this.popFront();
      this.evictions++;
    }
  }

  private expire(now: number): void {
    for (let entry = this.front(); entry !== undefined; entry = this.front()) {
      this.expiryChecks++;
      if (entry.expiresAtMs > now) return;
      this.stored.delete(entry.key);
      this.popFront();
      this.expirations++;
    }
  }

  /** The oldest live entry, dropping stale slots on the way (each slot is dropped once). */
  private front(): Stored<V> | undefined {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head] as Stored<V>;
      if (this.stored.get(entry.key) === entry) return entry;
      this.popFront();
    }
    return undefined;
  }

  private popFront(): void {
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= COMPACT_MIN && this.head * 2 >= this.queue.length) {
      // Copying the live half is paid for by the pops that consumed the other half.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
