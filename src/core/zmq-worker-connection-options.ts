// The options, per-call options, callback and stats of a ZmqWorkerConnection (see zmq-worker-connection.ts).

import type { CallStats } from './call-table.js';
import type { Jitter } from './call-options.js';
import type { TotoError } from './errors.js';
import type { Logger, LoopPort, RandomPort } from './ports.js';
import type { AbortSignalLike } from './task-queue.js';
import type { SocketOptions, TransportPort } from './transport.js';
import type { WireCodecs, WireOptions } from './wire.js';

export interface ZmqWorkerConnectionOptions {
  transport: TransportPort;
  /** The clock of deadlines and backoffs. */
  loop: LoopPort;
  /** Where retry jitter and the message id prefix are drawn. */
  random: RandomPort;
  /** Worker or router addresses: a comma-separated string (Toto) or a list. None: add them later. */
  address?: string | readonly string[];
  /** A call's timeout when it gives 0 or none. Default 10 000 (Toto's). */
  timeoutMs?: number;
  /** The default of each call's autoRetry. Default false. */
  autoRetry?: boolean;
  /** Attempts of an autoRetry call (first send included). Default Infinity (Toto's: forever). */
  attemptsMax?: number;
  /** Backoff base before a retry. Default 100. */
  retryDelayMs?: number;
  /** Backoff cap. Default 30 000. */
  retryDelayMsMax?: number;
  /** Default "full". */
  jitter?: Jitter;
  /** Most calls in flight. Default Infinity. */
  pendingMax?: number;
  /** Serialization and compression of payloads. Default JSON, uncompressed (a Toto peer set to JSON reads it). */
  codecs?: WireCodecs;
  /** Bounds on decoded replies and encoded requests. */
  wireOptions?: WireOptions;
  logger?: Logger;
  /** Options of the DEALER (lingerMs, heartbeats, reconnect intervals, ...). */
  socketOptions?: SocketOptions;
}

export interface InvokeOptions {
  /** 0 or absent: the connection's timeoutMs. Negative: never expires (nor retries). */
  timeoutMs?: number;
  /** Re-send on timeout with backoff. Default: the connection's autoRetry. */
  autoRetry?: boolean;
  attemptsMax?: number;
  /** Aborting it settles the call with ABORTED. */
  signal?: AbortSignalLike;
}

/** Node's callback form: `error` is a TotoError (the worker's, TIMEOUT, ...) or null with the value. */
export type InvokeCallback = (error: TotoError | null, value?: unknown) => void;

export interface ZmqWorkerConnectionStats extends CallStats {
  /** Replies that were not Toto's frames or whose payload did not decode (each logged once). */
  malformedReplies: number;
  /** Toto's bare acknowledgements (['', id]) of an @asynchronous method: the call resolves with undefined. */
  acks: number;
  /** Sends the socket refused (logged); the call waits for its deadline. */
  sendFailures: number;
  /** Receive failures other than the close (logged, survived after a backoff). */
  receiveFailures: number;
}

export const OPTION_NAMES = [
  'transport',
  'loop',
  'random',
  'address',
  'timeoutMs',
  'autoRetry',
  'attemptsMax',
  'retryDelayMs',
  'retryDelayMsMax',
  'jitter',
  'pendingMax',
  'codecs',
  'wireOptions',
  'logger',
  'socketOptions',
] as const;
