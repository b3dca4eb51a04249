// The call table's options, per-call options and retry backoff, checked up front so a bad value
// fails where it was written ("<name>: expected X, got Y"), not as a strange deadline later.

import type { RandomPort } from './ports.js';
import { checkInteger, checkOneOf, checkOptions, expected } from './validate.js';

/**
 * How a retry delay is drawn from the exponential bound `b = min(retryDelayMsMax, retryDelayMs * 2^(n-1))`
 * after attempt n timed out. "full": uniform in [0, b] (AWS's "Exponential Backoff and Jitter": the
 * least total work when many clients retry at once, so the default). "equal": uniform in [b/2, b]
 * (never retries at once). "none": exactly b (deterministic; for tests and single clients).
 */
export type Jitter = 'full' | 'equal' | 'none';

export const JITTERS: readonly Jitter[] = ['full', 'equal', 'none'];

export interface CallTableOptions {
  /** A call's timeout when it gives 0 or none (ms). Toto's default: 10 s. Finite, > 0. */
  timeoutMs?: number;
  /** Backoff base (ms): the bound after the first timeout. Integer >= 0; default 100. */
  retryDelayMs?: number;
  /** Backoff cap (ms). Integer >= retryDelayMs; default 30 000. */
  retryDelayMsMax?: number;
  /** Default "full". */
  jitter?: Jitter;
  /** Where jitter is drawn. Required unless jitter is "none". */
  random?: RandomPort;
  /** Attempts (first send + retries) of an autoRetry call that gives none. Integer >= 1 or Infinity (Toto: Infinity). */
  attemptsMax?: number;
  /** Most calls in flight; one more throws CallTableFullError. Integer >= 1 or Infinity (default). */
  pendingMax?: number;
  /**
   * How many settled call ids are remembered to tell a duplicate or late reply from one for an id
   * never seen (stats only; replies are dropped either way): the last recentMax/2 at least, recentMax
   * at most. Integer >= 0; default 4096.
   */
  recentMax?: number;
  /** The id of each new call; must not repeat an id still in flight. Default: "1", "2", ... */
  nextId?: () => string;
}

export interface CallOptions {
  /** 0 or absent: the table's timeoutMs. Negative (or Infinity): never expires, never retries. */
  timeoutMs?: number;
  /** Re-send on timeout, after a backoff, until answered or attemptsMax attempts timed out. Default false. */
  autoRetry?: boolean;
  /** Attempts for this call (with autoRetry). Integer >= 1 or Infinity; default the table's. */
  attemptsMax?: number;
}

export const CALL_TABLE_OPTION_NAMES = [
  'timeoutMs',
  'retryDelayMs',
  'retryDelayMsMax',
  'jitter',
  'random',
  'attemptsMax',
  'pendingMax',
  'recentMax',
  'nextId',
] as const;

export const CALL_OPTION_NAMES = ['timeoutMs', 'autoRetry', 'attemptsMax'] as const;

/** The table's options with defaults applied, all checked. */
export interface CallTableSettings {
  readonly timeoutMs: number;
  readonly retryDelayMs: number;
  readonly retryDelayMsMax: number;
  readonly jitter: Jitter;
  readonly random: RandomPort | undefined;
  readonly attemptsMax: number;
  readonly pendingMax: number;
  readonly recentMax: number;
  readonly nextId: (() => string) | undefined;
}

export function checkCallTableOptions(options: CallTableOptions | undefined): CallTableSettings {
  checkOptions('CallTable options', options, CALL_TABLE_OPTION_NAMES);
  const o = options ?? {};
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number') throw new TypeError(expected('timeoutMs', 'a number', timeoutMs));
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(expected('timeoutMs', 'a finite number > 0', timeoutMs));
  }
  const retryDelayMs = o.retryDelayMs ?? 100;
  checkInteger('retryDelayMs', retryDelayMs, 0, Number.MAX_SAFE_INTEGER);
  const retryDelayMsMax = o.retryDelayMsMax ?? Math.max(30_000, retryDelayMs);
  checkInteger('retryDelayMsMax', retryDelayMsMax, retryDelayMs, Number.MAX_SAFE_INTEGER);
  const jitter = o.jitter ?? 'full';
  checkOneOf('jitter', jitter, JITTERS);
  const random = o.random;
  if (random !== undefined && (random === null || typeof random !== 'object' || typeof random.int !== 'function')) {
    throw new TypeError(expected('random', 'a RandomPort', random));
  }
  if (random === undefined && jitter !== 'none') {
    throw new TypeError(expected('random', `a RandomPort (jitter is "${jitter}")`, random));
  }
  const attemptsMax = checkCount('attemptsMax', o.attemptsMax ?? Infinity, 1);
  const pendingMax = checkCount('pendingMax', o.pendingMax ?? Infinity, 1);
  const recentMax = o.recentMax ?? 4096;
  checkInteger('recentMax', recentMax, 0, Number.MAX_SAFE_INTEGER);
  if (o.nextId !== undefined && typeof o.nextId !== 'function') {
    throw new TypeError(expected('nextId', 'a function', o.nextId));
  }
  return { timeoutMs, retryDelayMs, retryDelayMsMax, jitter, random, attemptsMax, pendingMax, recentMax, nextId: o.nextId };
}

/** A call's options resolved against the table's: the timeout (Infinity = never), autoRetry, attemptsMax. */
export interface ResolvedCallOptions {
  timeoutMs: number;
  autoRetry: boolean;
  attemptsMax: number;
}

export function resolveCallOptions(options: CallOptions | undefined, settings: CallTableSettings): ResolvedCallOptions {
  checkOptions('call options', options, CALL_OPTION_NAMES);
  const o = options ?? {};
  const given = o.timeoutMs ?? 0;
  if (typeof given !== 'number' || Number.isNaN(given)) {
    throw new TypeError(expected('timeoutMs', 'a number (0: default, < 0: never)', given));
  }
  // Toto: 0 means "the connection's default"; a negative timeout never expires (nor retries).
  const timeoutMs = given === 0 ? settings.timeoutMs : given < 0 ? Infinity : given;
  const autoRetry = o.autoRetry ?? false;
  if (typeof autoRetry !== 'boolean') throw new TypeError(expected('autoRetry', 'a boolean', autoRetry));
  const attemptsMax = o.attemptsMax === undefined ? settings.attemptsMax : checkCount('attemptsMax', o.attemptsMax, 1);
  return { timeoutMs, autoRetry, attemptsMax };
}

/** An integer >= min, or Infinity (no limit). */
function checkCount(name: string, value: unknown, min: number): number {
  if (value === Infinity) return Infinity;
  checkInteger(name, value, min, Number.MAX_SAFE_INTEGER);
  return value;
}

/** The exponential bound after attempt `attempt` (1-based) timed out: min(max, base * 2^(attempt-1)). */
export function backoffBoundMs(settings: CallTableSettings, attempt: number): number {
  // 2^1024 is Infinity, and min() then gives the cap: no overflow to worry about.
  return Math.min(settings.retryDelayMsMax, settings.retryDelayMs * 2 ** (attempt - 1));
}

/** The range a delay is drawn from after attempt `attempt` timed out: [lowMs, highMs], integers. */
export function backoffRangeMs(settings: CallTableSettings, attempt: number): { lowMs: number; highMs: number } {
  const highMs = backoffBoundMs(settings, attempt);
  if (settings.jitter === 'none') return { lowMs: highMs, highMs };
  if (settings.jitter === 'equal') return { lowMs: Math.floor(highMs / 2), highMs };
  return { lowMs: 0, highMs };
}

/** Draws the delay before attempt `attempt + 1` (one draw from the RandomPort unless jitter is "none"). */
export function backoffDelayMs(settings: CallTableSettings, attempt: number): number {
  const { lowMs, highMs } = backoffRangeMs(settings, attempt);
  if (lowMs === highMs) return lowMs;
  return (settings.random as RandomPort).int(lowMs, highMs);
}
