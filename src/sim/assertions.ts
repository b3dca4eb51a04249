// Assertions on a simulated run, after Antithesis and TigerBeetle's VOPR: `always` is a
// safety property (its failure fails the run even if the code under test catches it),
// `sometimes` measures coverage of interesting states across a sweep, and `eventually` is a
// liveness check for the phase after faults heal.

import type { LoopPort, TimerHandle } from '../core/ports.js';
import { checkFunction, checkNonNegative, checkOptions, checkString } from '../core/validate.js';

const TAIL_LINES = 20;

/** A failed `always` or `eventually`: names the seed, virtual time, host, details and the trace tail. */
export class AssertionFailure extends Error {
  constructor(
    readonly kind: 'always' | 'eventually',
    readonly assertion: string,
    readonly seed: number,
    readonly virtualTimeMs: number,
    readonly host: string | undefined,
    readonly details: unknown,
    readonly traceTail: string[],
    traceLines: number,
  ) {
    super(formatFailure(kind, assertion, seed, virtualTimeMs, host, details, traceTail, traceLines));
    this.name = 'AssertionFailure';
  }
}

function formatFailure(
  kind: string,
  assertion: string,
  seed: number,
  tMs: number,
  host: string | undefined,
  details: unknown,
  tail: string[],
  traceLines: number,
): string {
  const lines = [`${kind} failed: ${assertion}`, `  seed ${seed}, virtual time ${tMs}ms, host ${host ?? '(none)'}`];
  if (details !== undefined) lines.push(`  details: ${safeJson(details)}`);
  lines.push(`  trace tail (last ${tail.length} of ${traceLines} lines):`);
  for (const line of tail) lines.push(`    ${line}`);
  return lines.join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What the assertions need from their simulation. */
export interface AssertionWorld {
  readonly seed: number;
  now(): number;
  /** `name#incarnation` of the host whose event is running, if any. */
  hostLabel(): string | undefined;
  record(kind: string, details: Record<string, unknown>): void;
  traceTail(n: number): string[];
  traceCount(): number;
  /** Records the run's failure (first one wins) and stops the run after the current event. */
  fail(error: unknown): void;
  /** Turns the kernel's between-events hook on or off. */
  watch(active: boolean): void;
  /** The simulation's own loop, for eventually's deadlines. */
  readonly loop: LoopPort;
}

export interface EventuallyOptions {
  /** Virtual time the condition has to become true within (ms). */
  withinMs: number;
  message: string;
}

interface Watcher {
  condition: () => unknown;
  resolve(): void;
  reject(error: unknown): void;
  deadline: TimerHandle | undefined;
}

export interface SometimesReport {
  /** Messages whose condition never held. */
  never: string[];
  /** Times each message's condition held. */
  hits: Record<string, number>;
}

export class Assertions {
  private readonly hits = new Map<string, number>();
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly world: AssertionWorld) {}

  /** Fails the run when `condition` is falsy; throws the failure too, so the event stops here. */
  always(condition: unknown, message: string, details?: unknown): void {
    if (condition) return;
    checkString('message', message);
    throw this.failure('always', message, details);
  }

  /** Counts how often `condition` holds; returns it as a boolean. */
  sometimes(condition: unknown, message: string): boolean {
    checkString('message', message);
    const hit = Boolean(condition);
    this.hits.set(message, (this.hits.get(message) ?? 0) + (hit ? 1 : 0));
    return hit;
  }

  sometimesReport(): SometimesReport {
    const never: string[] = [];
    const hits: Record<string, number> = {};
    for (const [message, count] of this.hits) {
      hits[message] = count;
      if (count === 0) never.push(message);
    }
    return { never, hits };
  }

  /**
   * Resolves as soon as `condition` holds (checked now, then between events once their
   * microtasks have run); fails the run if it does not within `withinMs` of virtual time.
   */
  eventually(condition: () => unknown, options: EventuallyOptions): Promise<void> {
    checkFunction('condition', condition);
    checkOptions('eventually options', options, ['withinMs', 'message']);
    checkNonNegative('withinMs', options?.withinMs);
    checkString('message', options.message);
    if (condition()) return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => {
      const watcher: Watcher = { condition, resolve, reject, deadline: undefined };
      watcher.deadline = this.world.loop.callLater(options.withinMs, () => this.expire(watcher, options));
      this.watchers.add(watcher);
      this.world.watch(true);
    });
    // The run fails on its own; a caller that does not await must not cause an unhandled rejection.
    promise.catch(() => {});
    return promise;
  }

  /** The kernel's between-events hook: settles watchers whose condition now holds. */
  readonly between = (): boolean => {
    let settled = false;
    for (const watcher of this.watchers) {
      let holds: unknown;
      try {
        holds = watcher.condition();
      } catch (error) {
        this.drop(watcher);
        this.world.fail(error);
        watcher.reject(error);
        settled = true;
        continue;
      }
      if (holds) {
        this.drop(watcher);
        watcher.resolve();
        settled = true;
      }
    }
    return settled;
  };

  private expire(watcher: Watcher, options: EventuallyOptions): void {
    if (!this.watchers.has(watcher)) return;
    this.drop(watcher);
    if (watcher.condition()) return watcher.resolve();
    const failure = this.failure('eventually', `${options.message} (not within ${options.withinMs}ms)`, undefined);
    watcher.reject(failure);
  }

  private drop(watcher: Watcher): void {
    this.watchers.delete(watcher);
    if (watcher.deadline) this.world.loop.cancel(watcher.deadline);
    if (this.watchers.size === 0) this.world.watch(false);
  }

  private failure(kind: 'always' | 'eventually', message: string, details: unknown): AssertionFailure {
    const world = this.world;
    world.record(`${kind}-failed`, details === undefined ? { message } : { message, details });
    const failure = new AssertionFailure(kind, message, world.seed, world.now(), world.hostLabel(), details, world.traceTail(TAIL_LINES), world.traceCount());
    world.fail(failure);
    return failure;
  }
}
