// Beyond Toto: a window of recent replies by call id, so a call the connection re-sends (a
// retry after a timeout, a duplicate from a healed partition) is not applied twice. A call id
// seen while its first run is still going waits for that run; one seen after it finished gets
// the stored reply; the method runs once per id as long as the id stays in the window.
//
// Entries are kept in completion order in one Map. With a fixed TTL and a clock that never
// goes back, that is also expiry order, so expiring is popping from the front: O(1) amortized,
// never a scan. Expiry is lazy (checked on each use), so the window needs no timer to cancel.

import type { LoopPort } from './ports.js';
import { checkFunction, checkInteger, checkNonNegative, checkNonEmptyString, checkOptions, expected } from './validate.js';

export interface IdempotencyWindowOptions {
  /** The clock the TTL is measured on. */
  loop: LoopPort;
  /** How long a reply is kept after its run finished, in ms (> 0). Longer than a client's whole retry span. */
  ttlMs: number;
  /** Most replies kept; the oldest is evicted first. Default 100,000. */
  entriesMax?: number;
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
  /** Ids running now. */
  inFlight: number;
}

export const IDEMPOTENCY_ENTRIES_MAX_DEFAULT = 100_000;

interface Stored<V> {
  value: V;
  expiresAtMs: number;
}

export class IdempotencyWindow<V> {
  readonly ttlMs: number;
  readonly entriesMax: number;
  private readonly loop: LoopPort;
  private readonly stored = new Map<string, Stored<V>>();
  private readonly running = new Map<string, Promise<V>>();
  private hits = 0;
  private inFlightJoins = 0;
  private evictions = 0;
  private expirations = 0;
  private expiryChecks = 0;

  constructor(options: IdempotencyWindowOptions) {
    checkOptions('IdempotencyWindow options', options, ['loop', 'ttlMs', 'entriesMax']);
    if (options === undefined) throw new TypeError(expected('IdempotencyWindow options', 'an options object', options));
    const { loop, ttlMs, entriesMax = IDEMPOTENCY_ENTRIES_MAX_DEFAULT } = options;
    if (loop === null || typeof loop !== 'object' || typeof (loop as LoopPort).now !== 'function') {
      throw new TypeError(expected('loop', 'a LoopPort', loop));
    }
    checkNonNegative('ttlMs', ttlMs);
    if (ttlMs === 0) throw new RangeError(expected('ttlMs', 'a finite number > 0', ttlMs));
    checkInteger('entriesMax', entriesMax, 1);
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
      // Only reachable if the clock went back: the front of the map was not yet due.
      this.stored.delete(key);
      this.expirations++;
    }
    const pending = this.running.get(key);
    if (pending !== undefined) {
      this.inFlightJoins++;
      return pending;
    }
    const run = (async () => compute())();
    // The stored entry is written before any waiter resumes, so a call right after sees it.
    const settled = run.then(
      (value) => {
        this.running.delete(key);
        this.store(key, value);
        return value;
      },
      (error: unknown) => {
        this.running.delete(key);
        throw error;
      },
    );
    this.running.set(key, settled);
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
      inFlight: this.running.size,
    };
  }

  private store(key: string, value: V): void {
    const now = this.loop.now();
    this.expire(now);
    // Delete first so a re-stored key moves to the back and the map stays in completion order.
    this.stored.delete(key);
    this.stored.set(key, { value, expiresAtMs: now + this.ttlMs });
    while (this.stored.size > this.entriesMax) {
      const oldest = this.stored.keys().next().value as string;
      this.stored.delete(oldest);
      this.evictions++;
    }
  }

  private expire(now: number): void {
    for (const [key, entry] of this.stored) {
      this.expiryChecks++;
      if (entry.expiresAtMs > now) return;
      this.stored.delete(key);
      this.expirations++;
    }
  }
}
