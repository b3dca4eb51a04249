// The ports: what a component takes instead of globals. src/core only ever sees these
// interfaces; src/sim implements them in virtual time, src/adapters on Node.

/** Opaque handle of a scheduled callback. Pass it to `LoopPort.cancel`. */
export interface TimerHandle {
  /** When the callback is due, on the clock of the loop that issued the handle. */
  readonly deadlineMs: number;
}

/**
 * The loop/clock port. Callbacks run one at a time, in (deadline, insertion) order:
 * two callbacks never tie. Every microtask a callback causes runs before the next callback.
 */
export interface LoopPort {
  /** Current time on this loop's clock, in milliseconds. */
  now(): number;
  /** Runs `callback` at the absolute time `whenMs` (or as soon as possible if it has passed). */
  callAt(whenMs: number, callback: () => void): TimerHandle;
  /** Runs `callback` after `delayMs` milliseconds. */
  callLater(delayMs: number, callback: () => void): TimerHandle;
  /** Runs `callback` on the next loop iteration, after callbacks already due. */
  addCallback(callback: () => void): TimerHandle;
  /** Cancels a scheduled callback. Safe after it ran or was already cancelled. */
  cancel(handle: TimerHandle): void;
}

/** A seeded, splittable random source. Every random choice in the core comes from one. */
export interface RandomPort {
  /** Integer uniformly distributed in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number;
  /** Float uniformly distributed in [0, 1). */
  float(): number;
  /** True with the given probability (0..1). */
  bool(probability: number): boolean;
  /** One element chosen uniformly; throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** An independent stream derived from this one's seed and `label`; does not consume from this stream. */
  fork(label: string): RandomPort;
}

/** A pino-compatible log method: `log(msg)` or `log({ ...context }, msg)`. */
export interface LogFn {
  (message: string): void;
  (context: object, message?: string): void;
}

/** A pino-compatible logger. Components log through one injected at construction; silent by default. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const ignore: LogFn = () => {};

/** The default logger: drops everything. */
export const silentLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  fatal: ignore,
  child: () => silentLogger,
};
