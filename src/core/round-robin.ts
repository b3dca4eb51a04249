// Toto's refresh_server_queue: the servers a client or event manager sends to, visited in a
// random order that is reshuffled whenever membership changes. Reshuffling (rather than
// sorting) spreads load from many clients that all learn of the same servers at once; taking
// the shuffle from the injected random keeps a simulated run reproducible from its seed.

import type { RandomPort } from './ports.js';
import { checkFunction, checkOptions, expected } from './validate.js';

export interface RoundRobinOptions<T> {
  /** Source of every reshuffle. */
  random: RandomPort;
  /** Initial members; duplicates count once. */
  members?: Iterable<T>;
}

export class RoundRobin<T> implements Iterable<T> {
  private readonly random: RandomPort;
  private readonly memberSet = new Set<T>();
  /** The current cycle order: a shuffle of memberSet, fixed until the next membership change. */
  private order: T[] = [];
  private cursor = 0;

  constructor(options: RoundRobinOptions<T>) {
    checkOptions('RoundRobin options', options, ['random', 'members']);
    if (options === undefined) throw new TypeError(expected('RoundRobin options', 'an options object', options));
    const random: unknown = options.random;
    if (random === null || typeof random !== 'object') {
      throw new TypeError(expected('random', 'a RandomPort', random));
    }
    checkFunction('random.shuffle', (random as RandomPort).shuffle);
    this.random = random as RandomPort;
    if (options.members !== undefined) this.set(options.members);
  }

  /** Number of members. */
  get size(): number {
    return this.memberSet.size;
  }

  has(member: T): boolean {
    return this.memberSet.has(member);
  }

  /** Adds a member and reshuffles. Returns false (and changes nothing) if it was already present. */
  add(member: T): boolean {
    if (this.memberSet.has(member)) return false;
    this.memberSet.add(member);
    this.reshuffle();
    return true;
  }

  /** Removes a member and reshuffles. Returns false (and changes nothing) if it was absent. */
  remove(member: T): boolean {
    if (!this.memberSet.delete(member)) return false;
    this.reshuffle();
    return true;
  }

  /** Replaces the membership (duplicates count once) and reshuffles, even if the set is unchanged. */
  set(members: Iterable<T>): void {
    if (members === null || typeof (members as Partial<Iterable<T>>)?.[Symbol.iterator] !== 'function') {
      throw new TypeError(expected('members', 'an iterable', members));
    }
    // Copy first: `members` may be this instance or derived from it.
    const next = [...members];
    this.memberSet.clear();
    for (const member of next) this.memberSet.add(member);
    this.reshuffle();
  }

  /** Removes every member. */
  clear(): void {
    this.memberSet.clear();
    this.order = [];
    this.cursor = 0;
  }

  /**
   * The next member of the current cycle. Between membership changes every member comes
   * exactly once per cycle of `size` calls, in the same order each cycle.
   */
  next(): T {
    if (this.order.length === 0) {
      throw new RangeError('RoundRobin.next: no members (add one first)');
    }
    const member = this.order[this.cursor] as T;
    this.cursor = this.cursor + 1 === this.order.length ? 0 : this.cursor + 1;
    return member;
  }

  /** A snapshot of the current cycle order, starting at the first member of the cycle. */
  members(): T[] {
    return [...this.order];
  }

  /** Iterates a snapshot of the current cycle order; does not advance next(). */
  [Symbol.iterator](): Iterator<T> {
    return this.members()[Symbol.iterator]();
  }

  private reshuffle(): void {
    // Insertion order in, so the result depends only on the membership history and the seed.
    this.order = this.random.shuffle([...this.memberSet]);
    this.cursor = 0;
  }
}
