// The EventManager's options and statistics, and the checks that turn a wrong option into
// "<option>: expected X, got Y" before any socket exists.

import { jsonSerialization, noCompression } from './codec.js';
import { checkBackoffOptions, FAILURE_BACKOFF_MS_DEFAULT, FAILURE_BACKOFF_MS_MAX_DEFAULT } from './failure-backoff.js';
import { eventLimits, type EventLimits } from './event-manager-wire.js';
import { silentLogger, type Logger, type LoopPort, type RandomPort } from './ports.js';
import { checkSocketOptions } from './socket-options.js';
import type { SocketOptions, SocketType, TransportPort } from './transport.js';
import { checkInteger, checkNonEmptyString, checkOptions, expected } from './validate.js';
import type { WireCodecs, WireOptions } from './wire.js';

export interface EventManagerOptions {
  /** Sockets: one PULL to listen, one PUSH per registered server. */
  transport: TransportPort;
  /** Where runOnMainLoop handlers run (addCallback) and receive failures back off. */
  loop: LoopPort;
  /** Shuffles the round-robin order of non-broadcast events (refreshServerQueue). */
  random: RandomPort;
  /** Where startListening() binds the PULL (Toto's EventManager.address), e.g. 'tcp://*:8999'. May be set later. */
  address?: string;
  logger?: Logger;
  /** Serialization and compression of the frames. Default JSON, uncompressed (a Toto peer set to JSON reads it). */
  codecs?: WireCodecs;
  /** Bounds on a received frame (maxPayloadBytes, maxDepth, maxContainers), as the worker wire's. */
  wireOptions?: WireOptions;
  /** Options of the listening PULL socket. */
  listenSocketOptions?: SocketOptions;
  /** Options of each server's PUSH socket. lingerMs defaults to 1000 here, so close() never holds a process forever for a server that is gone. */
  serverSocketOptions?: SocketOptions;
  /** Events queued per server, waiting for its socket, before send() throws. Default 10,000. */
  sendQueueMax?: number;
  /** Handlers registered at once (streams from on() included) before registerHandler throws. Default 100,000. */
  handlerMax?: number;
  /** First wait after a failing receive; it doubles per consecutive failure. Default 10. */
  backoffMs?: number;
  /** Longest wait after a failing receive. Default 1000. */
  backoffMsMax?: number;
}

export interface EventManagerStats {
  /** Messages the PULL received (malformed ones included). */
  received: number;
  /** Received messages dropped because they were not an event frame. */
  malformed: number;
  /** Events no handler was waiting for. */
  unhandled: number;
  /** Handler calls made. */
  handled: number;
  /** Handlers that threw or rejected (logged; the loop went on). */
  handlerErrors: number;
  /** Handlers removed unfired because their `until` had finished. */
  expired: number;
  /** Frames the PUSH sockets took. */
  sent: number;
  /** Sends that failed (logged; the frame was dropped). */
  sendFailures: number;
  /** Queued frames dropped when their server was removed or the manager closed. */
  dropped: number;
  /** Receives that failed (logged; retried after a backoff). */
  receiveFailures: number;
  /** Frames waiting for a PUSH socket now, all servers together. */
  queued: number;
}

export interface SendOptions {
  /** True (default): every registered server. False: the next server in the round-robin order. */
  broadcast?: boolean;
}

export interface OnOptions {
  /** Ends the iteration (cleanly) when it aborts. */
  signal?: { readonly aborted: boolean; addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void; removeEventListener(type: 'abort', listener: () => void): void };
  /** Events received and not yet consumed before the iteration fails with an error naming this bound. Default 1000. */
  bufferMax?: number;
}

export const SEND_QUEUE_MAX_DEFAULT = 10_000;
export const HANDLER_MAX_DEFAULT = 100_000;
export const ON_BUFFER_MAX_DEFAULT = 1_000;
export const SERVER_LINGER_MS_DEFAULT = 1_000;

const OPTION_NAMES = [
  'transport',
  'loop',
  'random',
  'address',
  'logger',
  'codecs',
  'wireOptions',
  'listenSocketOptions',
  'serverSocketOptions',
  'sendQueueMax',
  'handlerMax',
  'backoffMs',
  'backoffMsMax',
];

/** Every option checked and defaulted. */
export interface ResolvedEventManagerOptions {
  transport: TransportPort;
  loop: LoopPort;
  random: RandomPort;
  address: string | undefined;
  logger: Logger;
  codecs: WireCodecs;
  limits: EventLimits;
  listenSocketOptions: SocketOptions | undefined;
  serverSocketOptions: SocketOptions;
  sendQueueMax: number;
  handlerMax: number;
  backoff: { firstMs: number; maxMs: number };
}

export function resolveOptions(options: EventManagerOptions): ResolvedEventManagerOptions {
  checkOptions('EventManager options', options, OPTION_NAMES);
  if (options === undefined) throw new TypeError(expected('EventManager options', 'an options object { transport, loop, random, ... }', options));
  const { transport, loop, random, address, logger = silentLogger, codecs = DEFAULT_CODECS, wireOptions } = options;
  if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') throw new TypeError(expected('transport', 'a TransportPort', transport));
  if (loop === null || typeof loop !== 'object' || typeof loop.addCallback !== 'function' || typeof loop.callLater !== 'function') {
    throw new TypeError(expected('loop', 'a LoopPort', loop));
  }
  if (random === null || typeof random !== 'object' || typeof random.shuffle !== 'function') throw new TypeError(expected('random', 'a RandomPort', random));
  if (address !== undefined) checkNonEmptyString('address', address);
  if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
    throw new TypeError(expected('logger', 'a Logger', logger));
  }
  if (codecs === null || typeof codecs !== 'object' || typeof codecs.serialization?.dumps !== 'function' || typeof codecs.compression?.compress !== 'function') {
    throw new TypeError(expected('codecs', 'WireCodecs {serialization, compression}', codecs));
  }
  checkOptions('wireOptions', wireOptions, ['maxPayloadBytes', 'maxDepth', 'maxContainers']);
  const limits = eventLimits(wireOptions);
  checkInteger('wireOptions.maxPayloadBytes', limits.maxPayloadBytes, 1);
  checkInteger('wireOptions.maxDepth', limits.maxDepth, 1);
  checkInteger('wireOptions.maxContainers', limits.maxContainers, 1);
  checkSocketOptionsObject('listenSocketOptions', 'pull', options.listenSocketOptions);
  checkSocketOptionsObject('serverSocketOptions', 'push', options.serverSocketOptions);
  const { sendQueueMax = SEND_QUEUE_MAX_DEFAULT, handlerMax = HANDLER_MAX_DEFAULT } = options;
  checkInteger('sendQueueMax', sendQueueMax, 1);
  checkInteger('handlerMax', handlerMax, 1);
  const backoff = checkBackoffOptions(options.backoffMs ?? FAILURE_BACKOFF_MS_DEFAULT, options.backoffMsMax ?? FAILURE_BACKOFF_MS_MAX_DEFAULT);
  return {
    transport,
    loop,
    random,
    address,
    logger,
    codecs,
    limits,
    listenSocketOptions: options.listenSocketOptions,
    serverSocketOptions: { lingerMs: SERVER_LINGER_MS_DEFAULT, ...options.serverSocketOptions },
    sendQueueMax,
    handlerMax,
    backoff,
  };
}

const DEFAULT_CODECS: WireCodecs = { serialization: jsonSerialization, compression: noCompression };

/** Checked now with the transports' own check (the same message in both worlds), so a bad one fails before any socket. */
function checkSocketOptionsObject(name: string, type: SocketType, value: SocketOptions | undefined): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) throw new TypeError(expected(name, 'a SocketOptions object', value));
  try {
    checkSocketOptions(type, value);
  } catch (error) {
    if (error instanceof Error) error.message = `${name}: ${error.message}`;
    throw error;
  }
}
