// Beyond Toto: an idempotency window at the router (WorkerBalancer), keyed by the call id frame.
// The worker's own window (idempotency-window.ts) lives in one worker process; behind a router
// with several workers a retried call can land on another worker and run twice. Here the router
// remembers, by call id: a forward still in flight (a request with that id arriving meanwhile is
// not forwarded again; it gets the reply when it comes) and the reply frames once it came back
// (a request arriving later is answered from the window, for ttlMs). The reply goes to every
// identity that asked: a client DEALER that reconnected has a new identity, and a retry from it
// must be answered too.
//
// Liveness after a worker crash: the crashed worker's reply never comes. A request arriving
// once the id has been in flight longer than inFlightMaxMs is forwarded again (default ttlMs;
// Infinity keeps at-most-once strictly and leaves such a call unanswered until the entry is
// evicted). A forward never answered is forgotten ttlMs after it went out (longer, if
// inFlightMaxMs is), and a reply that comes after that goes to its own identity as any reply.
//
// A synchronous state machine (sans-IO): the balancer asks onRequest/onReply with the time and
// acts on the decision. Entries sit in one Map by call id and in two FIFOs (in-flight and stored)
// in expiry order, so expiring and evicting the oldest is popping a FIFO's head (see
// idempotency-window.ts for why a FIFO array and not the Map's own order).

import { checkInteger, checkOptions, expected } from './validate.js';

export interface RouterIdempotencyOptions {
  /** How long a reply is kept after it came back, in ms (> 0). Longer than a client's whole retry span. */
  ttlMs: number;
  /** Most entries (in flight and stored together); the oldest is evicted first. Default 100,000. */
  entriesMax?: number;
  /**
   * A request for an id in flight longer than this is forwarded again (a worker that crashed never
   * answers). Default ttlMs. Infinity: never forward an id twice while it is remembered.
   */
  inFlightMaxMs?: number;
  /** Most client identities waiting on one id (the latest are kept). Default 16. */
  requestersMax?: number;
}

export interface RouterIdempotencyStats {
  /** Requests answered from a stored reply. */
  hits: number;
  /** Requests that found their id in flight and wait for its reply instead of being forwarded. */
  joins: number;
  /** Requests forwarded again because their id was in flight longer than inFlightMaxMs. */
  reforwards: number;
  /** Replies for an id already answered (a forward repeated after inFlightMaxMs came back too), dropped. */
  duplicateReplies: number;
  /** Stored replies dropped because their TTL passed. */
  expirations: number;
  /** Forwards dropped unanswered because they were older than the TTL. */
  forgotten: number;
  /** Entries dropped because the window was full. */
  evictions: number;
  /** Replies stored now. */
  size: number;
  /** Ids in flight now. */
  inFlight: number;
}

export const ROUTER_IDEMPOTENCY_ENTRIES_MAX_DEFAULT = 100_000;
export const ROUTER_IDEMPOTENCY_REQUESTERS_MAX_DEFAULT = 16;
export const ROUTER_IDEMPOTENCY_OPTION_NAMES = ['ttlMs', 'entriesMax', 'inFlightMaxMs', 'requestersMax'] as const;

/** What to do with a request: forward it to a worker, let it wait for the reply in flight, or answer it now. */
export type RequestDecision = { action: 'forward' } | { action: 'wait' } | { action: 'reply'; reply: readonly Uint8Array[] };

/** What to do with a reply: send it to each of these identities, drop it (a duplicate), or route it as is (not ours). */
export type ReplyDecision = { action: 'answer'; identities: readonly Uint8Array[] } | { action: 'drop' } | { action: 'pass' };

interface InFlight {
  readonly kind: 'inFlight';
  readonly key: string;
  readonly forwardedAtMs: number;
  readonly forgetAtMs: number;
  readonly requesters: Uint8Array[];
}

interface Stored {
  readonly kind: 'stored';
  readonly key: string;
  /** The reply's frames after the identity: ['', id, payload], or ['', id] for an acknowledgement. */
  readonly reply: readonly Uint8Array[];
  readonly forgetAtMs: number;
}

type Entry = InFlight | Stored;

const FORWARD: RequestDecision = { action: 'forward' };
const WAIT: RequestDecision = { action: 'wait' };
const DROP: ReplyDecision = { action: 'drop' };
const PASS: ReplyDecision = { action: 'pass' };
/** A FIFO is compacted when its consumed head is at least this long and half the array. */
const COMPACT_MIN = 1024;

/** Entries in the order they are forgotten; a slot whose entry is no longer the Map's is stale and skipped. */
class ExpiryQueue {
  private slots: (Entry | undefined)[] = [];
  private head = 0;

  push(entry: Entry): void {
    this.slots.push(entry);
  }

  /** The oldest live entry, dropping stale slots on the way. */
  front(live: (entry: Entry) => boolean): Entry | undefined {
    while (this.head < this.slots.length) {
      const entry = this.slots[this.head] as Entry;
      if (live(entry)) return entry;
      this.pop();
    }
    return undefined;
  }

  pop(): void {
    this.slots[this.head] = undefined;
    this.head++;
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head >= COMPACT_MIN && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }
}

export class RouterIdempotency {
  readonly ttlMs: number;
  readonly entriesMax: number;
  readonly inFlightMaxMs: number;
  readonly requestersMax: number;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlightQueue = new ExpiryQueue();
  private readonly storedQueue = new ExpiryQueue();
  private inFlightCount = 0;
  private readonly counts = { hits: 0, joins: 0, reforwards: 0, duplicateReplies: 0, expirations: 0, forgotten: 0, evictions: 0 };
  private readonly isLive = (entry: Entry): boolean => this.entries.get(entry.key) === entry;

  constructor(options: RouterIdempotencyOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(expected('idempotency', 'an options object { ttlMs }', options));
    checkOptions('idempotency options', options, ROUTER_IDEMPOTENCY_OPTION_NAMES);
    const { ttlMs, entriesMax = ROUTER_IDEMPOTENCY_ENTRIES_MAX_DEFAULT, requestersMax = ROUTER_IDEMPOTENCY_REQUESTERS_MAX_DEFAULT } = options;
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(expected('ttlMs', 'a finite number > 0', ttlMs));
    const inFlightMaxMs = options.inFlightMaxMs ?? ttlMs;
    if (typeof inFlightMaxMs !== 'number' || !(inFlightMaxMs >= 0)) {
      throw new RangeError(expected('inFlightMaxMs', 'a number >= 0 (Infinity: never forward an id twice)', inFlightMaxMs));
    }
    checkInteger('entriesMax', entriesMax, 1);
    checkInteger('requestersMax', requestersMax, 1);
    this.ttlMs = ttlMs;
    this.entriesMax = entriesMax;
    this.inFlightMaxMs = inFlightMaxMs;
    this.requestersMax = requestersMax;
  }

  /** A request for call `key` came from `identity`: forward it, let it wait for the reply in flight, or answer it. */
  onRequest(key: string, identity: Uint8Array, nowMs: number): RequestDecision {
    this.expire(nowMs);
    const entry = this.entries.get(key);
    if (entry?.kind === 'stored') {
      this.counts.hits++;
      return { action: 'reply', reply: entry.reply };
    }
    if (entry !== undefined) {
      addRequester(entry.requesters, identity, this.requestersMax);
      if (nowMs - entry.forwardedAtMs <= this.inFlightMaxMs) {
        this.counts.joins++;
        return WAIT;
      }
      // Presumed lost (a crashed worker): forward again, keeping whoever waits.
      this.counts.reforwards++;
      this.setInFlight(key, entry.requesters, nowMs);
      return FORWARD;
    }
    this.setInFlight(key, [identity], nowMs);
    this.evictOverflow();
    return FORWARD;
  }

  /**
   * A reply for call `key` came back for `identity`, with `reply` the frames after the identity.
   * In flight: stored, and sent to every identity that asked (`identity` included). Already
   * answered: dropped. Unknown (never seen, forgotten or evicted): routed as is.
   */
  onReply(key: string, identity: Uint8Array, reply: readonly Uint8Array[], nowMs: number): ReplyDecision {
    this.expire(nowMs);
    const entry = this.entries.get(key);
    if (entry === undefined) return PASS;
    if (entry.kind === 'stored') {
      this.counts.duplicateReplies++;
      return DROP;
    }
    const identities = entry.requesters;
    if (!identities.some((one) => sameBytes(one, identity))) identities.push(identity);
    this.inFlightCount--;
    const stored: Stored = { kind: 'stored', key, reply, forgetAtMs: nowMs + this.ttlMs };
    this.entries.set(key, stored);
    this.storedQueue.push(stored);
    this.evictOverflow();
    return { action: 'answer', identities };
  }

  /** The forward onRequest asked for could not be sent: the id is no longer in flight (those waiting on it retry). */
  forwardFailed(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.kind !== 'inFlight') return;
    this.entries.delete(key);
    this.inFlightCount--;
  }

  get stats(): RouterIdempotencyStats {
    return { ...this.counts, size: this.entries.size - this.inFlightCount, inFlight: this.inFlightCount };
  }

  private setInFlight(key: string, requesters: Uint8Array[], nowMs: number): void {
    const previous = this.entries.get(key);
    const forgetAtMs = nowMs + (Number.isFinite(this.inFlightMaxMs) ? Math.max(this.ttlMs, this.inFlightMaxMs) : Infinity);
    const entry: InFlight = { kind: 'inFlight', key, forwardedAtMs: nowMs, forgetAtMs, requesters };
    if (previous === undefined) this.inFlightCount++;
    // A forward again replaces the entry: its old FIFO slot goes stale.
    this.entries.set(key, entry);
    this.inFlightQueue.push(entry);
  }

  /** Drops stored replies past their TTL and forwards never answered within theirs. */
  private expire(nowMs: number): void {
    for (let entry = this.storedQueue.front(this.isLive); entry !== undefined && entry.forgetAtMs <= nowMs; entry = this.storedQueue.front(this.isLive)) {
      this.remove(entry, this.storedQueue);
      this.counts.expirations++;
    }
    for (let entry = this.inFlightQueue.front(this.isLive); entry !== undefined && entry.forgetAtMs <= nowMs; entry = this.inFlightQueue.front(this.isLive)) {
      this.remove(entry, this.inFlightQueue);
      this.counts.forgotten++;
    }
  }

  /** Over entriesMax: drops the oldest stored reply first (it was answered), then the oldest forward. */
  private evictOverflow(): void {
    while (this.entries.size > this.entriesMax) {
      const stored = this.storedQueue.front(this.isLive);
      const victim = stored ?? this.inFlightQueue.front(this.isLive);
      if (victim === undefined) return;
      this.remove(victim, stored !== undefined ? this.storedQueue : this.inFlightQueue);
      this.counts.evictions++;
    }
  }

  private remove(entry: Entry, queue: ExpiryQueue): void {
    this.entries.delete(entry.key);
    if (entry.kind === 'inFlight') this.inFlightCount--;
    queue.pop();
  }
}

function addRequester(requesters: Uint8Array[], identity: Uint8Array, max: number): void {
  if (requesters.some((one) => sameBytes(one, identity))) return;
  requesters.push(identity);
  // The latest identities are the live ones: an older one is likely a connection gone.
  if (requesters.length > max) requesters.splice(0, requesters.length - max);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
