// Toto's ZMQWorkerConnection over the TransportPort: one DEALER socket connected to every worker
// (or router) address, the pure CallTable for deadlines, retries and settling, and Toto's frames
// (the DEALER sends ['', id, payload] and receives ['', id, payload]). The same code runs on the
// simulated network and on real zeromq.js.
//
// Unlike Toto: each call's deadline is exact (the table's heap, not a sweep); a call made with no
// active connection fails at once with NO_CONNECTIONS instead of staying registered forever (and
// so does a retry due while the set is empty); a malformed reply is a WireFormatError logged with
// the peer's bytes bounded, and the receive loop goes on.
//
// Sends go through a queue drained by one pump, because a socket takes one send at a time (a
// second pending send is EBUSY) and a DEALER send waits while no peer can take it.

import { CallTable, type CallInfo } from './call-table.js';
import type { CallTableOptions } from './call-options.js';
import { CallTableDriver } from './call-table-driver.js';
import { jsonSerialization, noCompression } from './codec.js';
import { ErrorCode, TotoError, WireFormatError } from './errors.js';
import { FailureBackoff } from './failure-backoff.js';
import { silentLogger, type Logger } from './ports.js';
import type { Socket } from './transport.js';
import { checkFunction, checkNonEmptyString, checkOptions, checkRandomPort, expected } from './validate.js';
import { decodeReply, dealerRequestFrames, encodeInvocation, messageIdKey, parseDealerReply, type WireCodecs, type WireOptions } from './wire.js';
import { methodProxyRoot, type MethodProxyRoot, type ProxyOf } from './zmq-worker-connection-proxy.js';
import { encodeUtf8 } from './wire-utf8.js';
import { parseAddresses } from './zmq-worker-connection-addresses.js';
import { OPTION_NAMES, type InvokeCallback, type InvokeOptions, type ZmqWorkerConnectionOptions, type ZmqWorkerConnectionStats } from './zmq-worker-connection-options.js';

export { parseAddresses } from './zmq-worker-connection-addresses.js';
export type { InvokeCallback, InvokeOptions, ZmqWorkerConnectionOptions, ZmqWorkerConnectionStats } from './zmq-worker-connection-options.js';
export type { MethodProxy, MethodProxyRoot, ProxyOf } from './zmq-worker-connection-proxy.js';

const DEFAULT_CODECS: WireCodecs = { serialization: jsonSerialization, compression: noCompression };

export class ZmqWorkerConnection {
  /** `conn.proxy.a.b(params, options?)` is `conn.invoke('a.b', params, options?)`. */
  readonly proxy: MethodProxyRoot<InvokeOptions>;
  private readonly socket: Socket;
  private readonly driver: CallTableDriver;
  private readonly logger: Logger;
  private readonly codecs: WireCodecs;
  private readonly wireOptions: WireOptions | undefined;
  private readonly autoRetry: boolean;
  private readonly defaultCallOptions: Readonly<InvokeOptions>;
  private readonly connections = new Set<string>();
  private readonly extra = { malformedReplies: 0, acks: 0, sendFailures: 0, receiveFailures: 0 };
  private readonly queue: Uint8Array[][] = [];
  private pumping = false;
  private closing = false;
  private readonly receiving: Promise<void>;
  private readonly backoff: FailureBackoff;

  constructor(options: ZmqWorkerConnectionOptions) {
    checkOptions('ZmqWorkerConnection options', options, OPTION_NAMES);
    if (options === undefined) throw new TypeError(expected('ZmqWorkerConnection options', 'an options object', options));
    const { transport, loop, random, logger = silentLogger, codecs = DEFAULT_CODECS, autoRetry = false } = options;
    if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') {
      throw new TypeError(expected('transport', 'a TransportPort', transport));
    }
    checkRandomPort('random', random);
    if (codecs === null || typeof codecs !== 'object' || typeof codecs.serialization?.dumps !== 'function' || typeof codecs.compression?.compress !== 'function') {
      throw new TypeError(expected('codecs', 'WireCodecs {serialization, compression}', codecs));
    }
    if (typeof autoRetry !== 'boolean') throw new TypeError(expected('autoRetry', 'a boolean', autoRetry));
    const addresses = options.address === undefined ? [] : parseAddresses(options.address);
    // Ids are "<prefix>-<n>": the prefix tells this connection's calls from another's in logs and
    // at a shared router; the counter keeps them unique while in flight.
    const prefix = random.int(0, 0x7fffffff).toString(36);
    let counter = 0;
    const tableOptions: CallTableOptions = {
      random,
      nextId: () => `${prefix}-${(++counter).toString(36)}`,
      ...pick(options, ['timeoutMs', 'attemptsMax', 'retryDelayMs', 'retryDelayMsMax', 'jitter', 'pendingMax']),
    };
    const table = new CallTable(tableOptions);
    // A failing receive waits 10ms, doubling to 1s, before the next try (never a hot loop).
    this.backoff = new FailureBackoff(loop);
    this.logger = logger;
    this.codecs = codecs;
    this.wireOptions = options.wireOptions;
    this.autoRetry = autoRetry;
    this.defaultCallOptions = Object.freeze({ autoRetry });
    this.driver = new CallTableDriver({ loop, table, logger, send: (call, attempt) => this.send(call, attempt) });
    this.socket = transport.socket('dealer', options.socketOptions);
    try {
      for (const address of addresses) this.addConnection(address);
    } catch (error) {
      // A refused address fails the constructor: the socket is not left open behind it.
      this.closing = true;
      this.socket.close();
      throw error;
    }
    this.proxy = methodProxyRoot<InvokeOptions>((method, parameters, callOptions) => this.invoke(method, parameters, callOptions));
    this.receiving = this.receiveLoop();
  }

  /** `proxy` typed by a description of the worker's methods (no check at run time: a promise of the shape). */
  typed<Api>(): ProxyOf<Api, InvokeOptions> {
    return this.proxy as unknown as ProxyOf<Api, InvokeOptions>;
  }

  /** Calls in flight (Toto's len(conn)). */
  get length(): number {
    return this.driver.length;
  }

  /** The addresses the DEALER is connected to, in the order they were added. */
  get activeConnections(): string[] {
    return [...this.connections];
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Requests waiting for the socket to take them (a DEALER send waits while no peer can take it). */
  get queuedSends(): number {
    return this.queue.length;
  }

  get stats(): ZmqWorkerConnectionStats {
    return { ...this.driver.stats, ...this.extra };
  }

  /** Connects the DEALER to `address` (a comma-separated string adds each; one already connected is skipped). */
  addConnection(address: string): void {
    this.checkOpen('addConnection');
    checkNonEmptyString('address', address);
    for (const one of parseAddresses(address)) {
      if (this.connections.has(one)) continue;
      // Connected first, recorded after: an address the transport refuses is not listed.
      this.socket.connect(one);
      this.connections.add(one);
    }
  }

  /** Disconnects the DEALER from `address` (each of a comma-separated string; unknown ones are skipped). Replies still due from it are lost. */
  removeConnection(address: string): void {
    this.checkOpen('removeConnection');
    checkNonEmptyString('address', address);
    for (const one of parseAddresses(address)) {
      if (!this.connections.delete(one)) continue;
      this.socket.disconnect(one);
    }
  }

  /** Connects to exactly these addresses: drops the others, adds the new. */
  setConnections(addresses: string | readonly string[]): void {
    this.checkOpen('setConnections');
    const wanted = new Set(parseAddresses(addresses));
    for (const address of [...this.connections]) if (!wanted.has(address)) this.removeConnection(address);
    for (const address of wanted) this.addConnection(address);
  }

  /**
   * Invokes `method` on a worker. The promise resolves with the reply's value (undefined for an
   * @asynchronous method's acknowledgement) and rejects with a TotoError: the worker's (its code
   * and value kept), TIMEOUT, NO_CONNECTIONS, ABORTED or CLOSED. With a callback instead
   * (Toto's form), the callback gets (error, value) and nothing is returned. A bad method name
   * or parameters that do not encode throw at once.
   */
  invoke(method: string, parameters?: unknown, options?: InvokeOptions): Promise<unknown>;
  invoke(method: string, parameters: unknown, callback: InvokeCallback): void;
  invoke(method: string, parameters: unknown, options: InvokeOptions | undefined, callback: InvokeCallback): void;
  invoke(
    method: string,
    parameters?: unknown,
    optionsOrCallback?: InvokeOptions | InvokeCallback,
    maybeCallback?: InvokeCallback,
  ): Promise<unknown> | void {
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
    const options = typeof optionsOrCallback === 'function' ? undefined : optionsOrCallback;
    if (callback !== undefined) checkFunction('callback', callback);
    const promise = this.call(method, parameters, options);
    if (callback === undefined) return promise;
    promise.then(
      (value) => callback(null, value),
      (error: unknown) => callback(TotoError.from(error)),
    );
  }

  /** Settles every call in flight with CLOSED, closes the DEALER, and resolves once the receive loop ended. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.driver.close();
      this.queue.length = 0;
      this.connections.clear();
      this.socket.close();
      this.backoff.stop();
    }
    await this.receiving;
  }

  private call(method: string, parameters: unknown, options: InvokeOptions | undefined): Promise<unknown> {
    const payload = encodeInvocation({ method, parameters }, this.codecs, this.wireOptions);
    if (this.closing) return Promise.reject(new TotoError(ErrorCode.CLOSED, `call (${method}): the connection is closed`));
    if (this.connections.size === 0) return Promise.reject(noConnections(method));
    // No options (the usual call): one shared object, not a rest and a spread per call.
    if (options === undefined) return this.driver.call(method, payload, this.defaultCallOptions);
    const { autoRetry = this.autoRetry, ...rest } = options;
    return this.driver.call(method, payload, { ...rest, autoRetry });
  }

  /** The driver's send: queue attempt `attempt` of `call` for the pump. A throw settles the call. */
  private send(call: CallInfo, attempt: number): void {
    if (this.connections.size === 0) throw noConnections(call.method);
    this.queue.push(dealerRequestFrames(encodeUtf8(call.id), call.payload as Uint8Array));
    if (attempt > 1) this.logger.debug({ callId: call.id, method: call.method, attempt }, 'worker connection: retry');
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let frames = this.queue.shift(); frames !== undefined && !this.closing; frames = this.queue.shift()) {
        try {
          await this.socket.send(frames);
        } catch (error) {
          if (this.closing) return;
          this.extra.sendFailures++;
          this.logger.warn({ err: error, code: codeOf(error) }, 'worker connection: send failed');
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async receiveLoop(): Promise<void> {
    for (;;) {
      let frames: Uint8Array[];
      try {
        frames = await this.socket.receive();
      } catch (error) {
        if (this.closing || this.socket.closed) return;
        this.extra.receiveFailures++;
        const { consecutive, delayMs } = this.backoff.fail();
        this.logger.warn({ err: error, code: codeOf(error), consecutive, backoffMs: delayMs }, 'worker connection: receive failed');
        await this.backoff.wait(delayMs);
        continue;
      }
      this.backoff.succeed();
      this.onFrames(frames);
    }
  }

  private onFrames(frames: Uint8Array[]): void {
    let callId: string | undefined;
    try {
      const reply = parseDealerReply(frames);
      callId = messageIdKey(reply.id);
      if (reply.kind === 'ack') {
        this.extra.acks++;
        this.driver.onReply({ callId, value: undefined });
        return;
      }
      const decoded = decodeReply(reply.payload, this.codecs, this.wireOptions);
      this.driver.onReply(decoded.ok ? { callId, value: decoded.value } : { callId, error: decoded.error });
    } catch (error) {
      if (!(error instanceof WireFormatError)) {
        // A bug, not a peer's bytes: said loudly, and the loop still serves the other calls.
        this.logger.error({ err: error, callId }, 'worker connection: reply handling failed');
        return;
      }
      this.extra.malformedReplies++;
      this.logger.warn({ err: error, code: error.code, callId, frames: frames.length }, 'worker connection: malformed reply');
      // A reply whose id we read but whose payload we cannot: the call is answered, with the reason.
      if (callId !== undefined) this.driver.onReply({ callId, error: new TotoError(ErrorCode.SERVER, `malformed reply: ${error.message}`) });
    }
  }

  private checkOpen(what: string): void {
    if (this.closing) throw new TotoError(ErrorCode.CLOSED, `${what}: the connection is closed`);
  }
}

function noConnections(method: string): TotoError {
  return new TotoError(ErrorCode.NO_CONNECTIONS, `call (${method}): no active connections`);
}

function codeOf(error: unknown): unknown {
  return error !== null && typeof error === 'object' && 'code' in error ? error.code : undefined;
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
