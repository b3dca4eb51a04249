// The WorkerBalancer's options and counters, and the check of its options ("expected X, got Y",
// before any socket is made).

import { checkBackoffOptions, FAILURE_BACKOFF_MS_DEFAULT, FAILURE_BACKOFF_MS_MAX_DEFAULT } from './failure-backoff.js';
import { silentLogger, type Logger, type LoopPort } from './ports.js';
import type { RouterIdempotencyOptions, RouterIdempotencyStats } from './router-idempotency.js';
import type { SocketOptions, TransportPort } from './transport.js';
import { checkOptions, expected } from './validate.js';

/** Toto's default worker_bind_address. */
export const WORKER_BIND_ADDRESS_DEFAULT = 'tcp://*:55555';

export interface WorkerBalancerOptions {
  transport: TransportPort;
  /** The clock of the backoff after a failing receive. */
  loop: LoopPort;
  logger?: Logger;
  /** Where the ROUTER binds, for clients (Toto's worker_bind_address). Default `tcp://*:55555`. */
  bindAddress?: string;
  /** Where the DEALER binds, for workers' REP sockets (Toto's worker_socket_address). */
  socketAddress: string;
  /**
   * Options of both sockets (e.g. lingerMs, high-water marks, heartbeats). maxMessageSize defaults
   * to the wire's default payload bound (16 MiB), as a worker's: libzmq's own default is none, and
   * a client declaring a 1 GiB frame would be buffered as it streams it.
   */
  socketOptions?: SocketOptions;
  /** Options of the ROUTER only, over socketOptions (e.g. mandatory). */
  frontOptions?: SocketOptions;
  /** Options of the DEALER only, over socketOptions (e.g. sendTimeoutMs to drop requests nobody takes). */
  backOptions?: SocketOptions;
  /** First backoff after a failing receive; it doubles per consecutive failure. Default 10. */
  backoffMs?: number;
  /** Longest backoff. Default 1000. */
  backoffMsMax?: number;
  /**
   * Beyond Toto: keep replies by call id for ttlMs, so a retried call is not run twice by
   * different workers (see router-idempotency.ts). Off by default.
   */
  idempotency?: RouterIdempotencyOptions;
}

export interface WorkerBalancerStats {
  /** Messages received on the ROUTER and sent out the DEALER (requests to workers). */
  toWorkers: number;
  /** Messages received on the DEALER and sent out the ROUTER (replies to clients). */
  toClients: number;
  /** Failed receives and sends, logged and survived (a failed send drops its message). */
  errors: number;
  /** Requests received after stopAccepting(), dropped instead of handed to a leaving worker. */
  notForwarded: number;
  /** The idempotency window's counters, when it is on. */
  idempotency?: RouterIdempotencyStats;
}

const OPTION_NAMES = ['transport', 'loop', 'logger', 'bindAddress', 'socketAddress', 'socketOptions', 'frontOptions', 'backOptions', 'backoffMs', 'backoffMsMax', 'idempotency'];

/** The options with their defaults, checked; throws TypeError/RangeError naming the option. */
export function checkBalancerOptions(options: WorkerBalancerOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError(expected('WorkerBalancer options', 'an options object', options));
  checkOptions('WorkerBalancer options', options, OPTION_NAMES);
  const { transport, loop, logger = silentLogger, bindAddress = WORKER_BIND_ADDRESS_DEFAULT, socketAddress } = options;
  const { backoffMs = FAILURE_BACKOFF_MS_DEFAULT, backoffMsMax = FAILURE_BACKOFF_MS_MAX_DEFAULT } = options;
  if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') {
    throw new TypeError(expected('transport', 'a TransportPort', transport));
  }
  if (loop === null || typeof loop !== 'object' || typeof loop.callLater !== 'function' || typeof loop.cancel !== 'function') {
    throw new TypeError(expected('loop', 'a LoopPort', loop));
  }
  if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function' || typeof logger.info !== 'function') {
    throw new TypeError(expected('logger', 'a Logger', logger));
  }
  if (typeof bindAddress !== 'string' || bindAddress === '') {
    // Toto's empty worker_bind_address is direct mode: the workers are reached without a balancer.
    throw new TypeError(expected('bindAddress', 'an address for the ROUTER (direct mode, with no bind address, needs no balancer)', bindAddress));
  }
  if (typeof socketAddress !== 'string' || socketAddress === '') {
    throw new TypeError(expected('socketAddress', 'an address for the DEALER that workers connect to', socketAddress));
  }
  const { firstMs, maxMs } = checkBackoffOptions(backoffMs, backoffMsMax);
  return { transport, loop, logger, bindAddress, socketAddress, firstMs, maxMs };
}
