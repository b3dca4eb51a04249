// The options, per-call options and stats of an HttpWorkerConnection (see http-worker-connection.ts),
// and their checks: every bad option is named with what it got, before any request is made.

import type { CallStats } from './call-table.js';
import type { Jitter } from './call-options.js';
import type { Logger, LoopPort, RandomPort } from './ports.js';
import type { AbortSignalLike } from './task-queue.js';
import type { TransportPort } from './transport.js';
import { checkInteger, checkOptions, expected } from './validate.js';
import type { WireCodecs, WireOptions } from './wire.js';

export type { InvokeCallback } from './zmq-worker-connection-options.js';

export interface HttpWorkerConnectionOptions {
  /** Only httpRequest is used. */
  transport: Pick<TransportPort, 'httpRequest'>;
  /** The clock of deadlines and backoffs. */
  loop: LoopPort;
  /** Shuffles the address list (Toto's shuffled round-robin) and draws retry jitter. */
  random: RandomPort;
  /** Worker URLs (`http://host:port[/path]`): a comma-separated string (Toto) or a list. None: add them later. */
  address?: string | readonly string[];
  /** A call's timeout when it gives 0 or none; every attempt is one request bounded by it. Default 10 000 (Toto's). */
  timeoutMs?: number;
  /** Toto's auto_retry_count: re-sends after a timeout, this many times at most. Integer >= 0; default 0. */
  autoRetryCount?: number;
  /** Backoff base before a retry. Default 100. */
  retryDelayMs?: number;
  /** Backoff cap. Default 30 000. */
  retryDelayMsMax?: number;
  /** Default "full". */
  jitter?: Jitter;
  /** Most calls in flight. Default Infinity. */
  pendingMax?: number;
  /** Request serialization and compression; Content-Type is the serialization's mime. Default JSON, uncompressed. */
  codecs?: WireCodecs;
  /** Bounds on encoded requests and decoded replies. */
  wireOptions?: WireOptions;
  logger?: Logger;
}

export interface HttpInvokeOptions {
  /** 0 or absent: the connection's timeoutMs. Negative: never expires (nor retries). */
  timeoutMs?: number;
  /** Re-sends after a timeout, this many times at most. Default: the connection's autoRetryCount. */
  autoRetryCount?: number;
  /** Aborting it settles the call with ABORTED. */
  signal?: AbortSignalLike;
}

export interface HttpWorkerConnectionStats extends CallStats {
  /** 202 answers (an @asynchronous method's acknowledgement): the call resolves with undefined. */
  acks: number;
  /** Bodies that were no reply: undecodable, or an error status without the worker's {error} (each logged). */
  malformedReplies: number;
  /** Attempts the transport failed (refused, reset, body too large, ...); the call settles with that error. */
  connectionFailures: number;
  /** Attempts whose request hit its own timeout; the call's deadline decides (retry or TIMEOUT), not this. */
  requestTimeouts: number;
}

export const HTTP_OPTION_NAMES = [
  'transport',
  'loop',
  'random',
  'address',
  'timeoutMs',
  'autoRetryCount',
  'retryDelayMs',
  'retryDelayMsMax',
  'jitter',
  'pendingMax',
  'codecs',
  'wireOptions',
  'logger',
] as const;

export const HTTP_INVOKE_OPTION_NAMES = ['timeoutMs', 'autoRetryCount', 'signal'] as const;

/** Checks what the CallTable does not (it checks timeoutMs, backoff, pendingMax itself, with the same words). */
export function checkHttpConnectionOptions(options: HttpWorkerConnectionOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError(expected('HttpWorkerConnection options', 'an options object', options));
  checkOptions('HttpWorkerConnection options', options, HTTP_OPTION_NAMES);
  const { transport, loop, random, logger, codecs, autoRetryCount } = options;
  if (transport === null || typeof transport !== 'object' || typeof transport.httpRequest !== 'function') {
    throw new TypeError(expected('transport', 'a TransportPort (with httpRequest)', transport));
  }
  if (loop === null || typeof loop !== 'object' || typeof loop.callAt !== 'function' || typeof loop.now !== 'function') {
    throw new TypeError(expected('loop', 'a LoopPort', loop));
  }
  if (random === null || typeof random !== 'object' || typeof random.int !== 'function' || typeof random.shuffle !== 'function') {
    throw new TypeError(expected('random', 'a RandomPort', random));
  }
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function' || typeof logger.debug !== 'function')) {
    throw new TypeError(expected('logger', 'a Logger', logger));
  }
  if (codecs !== undefined && (codecs === null || typeof codecs !== 'object' || typeof codecs.serialization?.dumps !== 'function' || typeof codecs.serialization?.mime !== 'string' || typeof codecs.compression?.compress !== 'function')) {
    throw new TypeError(expected('codecs', 'WireCodecs {serialization, compression}', codecs));
  }
  if (autoRetryCount !== undefined) checkRetryCount(autoRetryCount);
}

/** Toto's auto_retry_count: a whole number of re-sends, bounded (every retry loop has a maximum). */
export function checkRetryCount(value: unknown): asserts value is number {
  checkInteger('autoRetryCount', value, 0);
}
