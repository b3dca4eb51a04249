// Toto's HTTPWorkerConnection over TransportPort.httpRequest: each attempt of a call is one POST
// of compress(dumps({method, parameters})) with Content-Type: the serialization's mime, to the next
// address of a round-robin over the shuffled address list (RoundRobin, the injected random). The
// pure CallTable decides deadlines, retries (backoff with jitter) and settles each call once, as
// for ZmqWorkerConnection; the same code runs on the simulated network and on TransportHttp.
//
// Kept from Toto: auto_retry_count re-sends after a timeout; an HTTP error status still yields the
// decoded body, so the worker's {error: {code, value}} becomes a TotoError with that code and
// value; a connection failure is an error. Fixed: a call with retry count 0 still times out (Toto
// waited forever); each deadline is exact; a call with no address fails at once (NO_CONNECTIONS).
//
// Each attempt's request carries the call's timeout too, so an attempt the network lost (a lossy
// link, a stalled peer) does not hold a request open forever; the request's own TIMEOUT is only
// counted, the call's deadline decides. A connection refused or reset moves the call on to the
// next address after the backoff when it has attempts left (not at its timeout). Any other
// transport failure (body too large), or one with no attempt left, settles the call with that
// error, unless a newer attempt is in flight: then that one decides.

import { CallTable, type CallInfo, type CallReply } from './call-table.js';
import type { CallTableOptions } from './call-options.js';
import { CallTableDriver } from './call-table-driver.js';
import { jsonSerialization, noCompression } from './codec.js';
import { ErrorCode, TotoError } from './errors.js';
import { parseHttpUrl } from './address.js';
import { parseRequestUrl } from './http-message.js';
import { silentLogger, type Logger } from './ports.js';
import { RoundRobin } from './round-robin.js';
import type { HttpResponse, TransportPort } from './transport.js';
import { checkFunction, checkNonEmptyString, checkOptions, expected } from './validate.js';
import { encodeInvocation, httpRequestHeaders, type WireCodecs, type WireOptions } from './wire.js';
import { readWorkerResponse } from './http-worker-connection-reply.js';
import { parseAddresses } from './zmq-worker-connection-addresses.js';
import { methodProxyRoot, type MethodProxyRoot, type ProxyOf } from './zmq-worker-connection-proxy.js';
import {
  HTTP_INVOKE_OPTION_NAMES,
  checkHttpConnectionOptions,
  checkRetryCount,
  type HttpInvokeOptions,
  type HttpWorkerConnectionOptions,
  type HttpWorkerConnectionStats,
  type InvokeCallback,
} from './http-worker-connection-options.js';

export type { HttpInvokeOptions, HttpWorkerConnectionOptions, HttpWorkerConnectionStats, InvokeCallback } from './http-worker-connection-options.js';

const DEFAULT_CODECS: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const TIMEOUT_MS_DEFAULT = 10_000;
/** Failures where the worker did not take the call or went away with it: retried at once, not at the timeout. */
const RETRIED_AT_ONCE: ReadonlySet<number> = new Set([ErrorCode.CONNECTION_REFUSED, ErrorCode.CONNECTION_RESET]);
/** The longest timeoutMs httpRequest takes (a longer Node timer fires at once). */
const REQUEST_TIMEOUT_MS_MAX = 2 ** 31 - 1;

/** What the call table carries for each call: the body every attempt sends, and each request's timeout. */
interface HttpPayload {
  readonly body: Uint8Array;
  readonly requestTimeoutMs: number | undefined;
}

export class HttpWorkerConnection {
  /** `conn.proxy.a.b(params, options?)` is `conn.invoke('a.b', params, options?)`. */
  readonly proxy: MethodProxyRoot<HttpInvokeOptions>;
  private readonly transport: Pick<TransportPort, 'httpRequest'>;
  private readonly driver: CallTableDriver;
  private readonly logger: Logger;
  private readonly codecs: WireCodecs;
  private readonly wireOptions: WireOptions | undefined;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly autoRetryCount: number;
  /** In the order added (activeConnections); `order` is the shuffled cycle calls go round. */
  private readonly connections = new Set<string>();
  private readonly order: RoundRobin<string>;
  private readonly extra = { acks: 0, malformedReplies: 0, connectionFailures: 0, requestTimeouts: 0 };
  private closing = false;

  constructor(options: HttpWorkerConnectionOptions) {
    checkHttpConnectionOptions(options);
    const { transport, loop, random, logger = silentLogger, codecs = DEFAULT_CODECS, autoRetryCount = 0 } = options;
    const addresses = options.address === undefined ? [] : parseAddresses(options.address);
    for (const address of addresses) checkWorkerUrl(address);
    // Ids are "<prefix>-<n>" as ZmqWorkerConnection's: they name a call in logs.
    const prefix = random.int(0, 0x7fffffff).toString(36);
    let counter = 0;
    const tableOptions: CallTableOptions = {
      random,
      nextId: () => `${prefix}-${(++counter).toString(36)}`,
      ...pick(options, ['timeoutMs', 'retryDelayMs', 'retryDelayMsMax', 'jitter', 'pendingMax']),
    };
    const table = new CallTable(tableOptions);
    // Encoding one invocation checks the codecs and the wire options before any call.
    encodeInvocation({ method: 'check', parameters: {} }, codecs, options.wireOptions);
    this.transport = transport;
    this.logger = logger;
    this.codecs = codecs;
    this.wireOptions = options.wireOptions;
    // Frozen: the transport then checks these headers once, not on every request (checkRequestOptions).
    this.headers = Object.freeze(httpRequestHeaders(codecs));
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS_DEFAULT;
    this.autoRetryCount = autoRetryCount;
    this.order = new RoundRobin<string>({ random });
    for (const address of addresses) this.connections.add(address);
    this.order.set(this.connections);
    this.driver = new CallTableDriver({ loop, table, logger, send: (call, attempt) => this.send(call, attempt) });
    this.proxy = methodProxyRoot<HttpInvokeOptions>((method, parameters, callOptions) => this.invoke(method, parameters, callOptions));
  }

  /** `proxy` typed by a description of the worker's methods (no check at run time). */
  typed<Api>(): ProxyOf<Api, HttpInvokeOptions> {
    return this.proxy as unknown as ProxyOf<Api, HttpInvokeOptions>;
  }

  /** Calls in flight (Toto's len(conn)). */
  get length(): number {
    return this.driver.length;
  }

  /** The worker URLs calls go to, in the order they were added. */
  get activeConnections(): string[] {
    return [...this.connections];
  }

  get closed(): boolean {
    return this.closing;
  }

  get stats(): HttpWorkerConnectionStats {
    return { ...this.driver.stats, ...this.extra };
  }

  /** Adds worker URLs (a comma-separated string adds each; one already there is skipped) and reshuffles the order. */
  addConnection(address: string): void {
    this.checkOpen('addConnection');
    checkNonEmptyString('address', address);
    const added = parseAddresses(address).filter((one) => !this.connections.has(one));
    for (const one of added) checkWorkerUrl(one);
    if (added.length === 0) return;
    for (const one of added) this.connections.add(one);
    this.order.set(this.connections);
  }

  /** Removes worker URLs (unknown ones are skipped). Requests already sent there still answer their calls. */
  removeConnection(address: string): void {
    this.checkOpen('removeConnection');
    checkNonEmptyString('address', address);
    let removed = false;
    for (const one of parseAddresses(address)) removed = this.connections.delete(one) || removed;
    if (removed) this.order.set(this.connections);
  }

  /** Calls go to exactly these URLs from now on. */
  setConnections(addresses: string | readonly string[]): void {
    this.checkOpen('setConnections');
    const wanted = parseAddresses(addresses);
    for (const one of wanted) checkWorkerUrl(one);
    for (const one of [...this.connections]) if (!wanted.includes(one)) this.connections.delete(one);
    for (const one of wanted) this.connections.add(one);
    this.order.set(this.connections);
  }

  /**
   * Invokes `method` on a worker. The promise resolves with the reply's value (undefined for an
   * @asynchronous method's 202) and rejects with a TotoError: the worker's (code and value kept),
   * TIMEOUT, NO_CONNECTIONS, CONNECTION_REFUSED, CONNECTION_RESET, ABORTED or CLOSED. With a
   * callback instead (Toto's form), the callback gets (error, value) and nothing is returned. A
   * bad method name, option or parameters that do not encode throw at once.
   */
  invoke(method: string, parameters?: unknown, options?: HttpInvokeOptions): Promise<unknown>;
  invoke(method: string, parameters: unknown, callback: InvokeCallback): void;
  invoke(method: string, parameters: unknown, options: HttpInvokeOptions | undefined, callback: InvokeCallback): void;
  invoke(
    method: string,
    parameters?: unknown,
    optionsOrCallback?: HttpInvokeOptions | InvokeCallback,
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

  /** Settles every call in flight with CLOSED and refuses new ones; requests still out are answered into the void (counted late). */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.driver.close();
      this.connections.clear();
      this.order.clear();
    }
    return Promise.resolve();
  }

  private call(method: string, parameters: unknown, options: HttpInvokeOptions | undefined): Promise<unknown> {
    checkOptions('invoke options', options, HTTP_INVOKE_OPTION_NAMES);
    const { timeoutMs, autoRetryCount = this.autoRetryCount, signal } = options ?? {};
    checkRetryCount(autoRetryCount);
    const requestTimeoutMs = this.requestTimeoutOf(timeoutMs);
    const body = encodeInvocation({ method, parameters }, this.codecs, this.wireOptions);
    if (this.closing) return Promise.reject(new TotoError(ErrorCode.CLOSED, `call (${method}): the connection is closed`));
    if (this.connections.size === 0) return Promise.reject(noConnections(method));
    const payload: HttpPayload = { body, requestTimeoutMs };
    return this.driver.call(method, payload, { timeoutMs, autoRetry: autoRetryCount > 0, attemptsMax: autoRetryCount + 1, signal });
  }

  /** The call's timeout as each request's: 0/absent the default, negative none (as the table reads it). */
  private requestTimeoutOf(given: unknown): number | undefined {
    const value = given ?? 0;
    if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected('timeoutMs', 'a number (0: default, < 0: never)', value));
    const ms = value === 0 ? this.timeoutMs : value < 0 ? Infinity : value;
    return ms === Infinity ? undefined : Math.min(ms, REQUEST_TIMEOUT_MS_MAX);
  }

  /** The driver's send: one POST to the next address. A throw settles the call. */
  private send(call: CallInfo, attempt: number): void {
    if (this.connections.size === 0) throw noConnections(call.method);
    const url = this.order.next();
    const { body, requestTimeoutMs } = call.payload as HttpPayload;
    if (attempt > 1) this.logger.debug({ callId: call.id, method: call.method, attempt, url }, 'http worker connection: retry');
    const request = this.transport.httpRequest(url, { method: 'POST', headers: this.headers, body, ...(requestTimeoutMs === undefined ? {} : { timeoutMs: requestTimeoutMs }) });
    request.then(
      (response) => this.guard(call, () => this.driver.onReply(this.replyOf(call, url, response))),
      (error: unknown) => this.guard(call, () => this.onFailure(call, attempt, url, error)),
    );
  }

  /** What a response says, as the table takes it; counted, and logged when it is no reply. */
  private replyOf(call: CallInfo, url: string, response: HttpResponse): CallReply {
    const callId = call.id;
    const read = readWorkerResponse(response, url, this.codecs, this.wireOptions);
    switch (read.kind) {
      case 'ack':
        // An @asynchronous method's acknowledgement (its body is null): resolved as ZmqWorkerConnection's ack is.
        this.extra.acks++;
        return { callId, value: undefined };
      case 'value':
        return { callId, value: read.value };
      case 'error':
        return { callId, error: read.error };
      case 'malformed':
        this.extra.malformedReplies++;
        this.logger.warn({ callId, method: call.method, url, status: response.status, code: read.code }, `http worker connection: ${read.why}`);
        return { callId, error: new TotoError(ErrorCode.SERVER, read.why) };
    }
  }

  private onFailure(call: CallInfo, attempt: number, url: string, error: unknown): void {
    if (error instanceof TotoError && error.code === ErrorCode.TIMEOUT) {
      this.extra.requestTimeouts++;
      return;
    }
    this.extra.connectionFailures++;
    const reason = error instanceof TotoError ? error : TotoError.from(error);
    this.logger.warn({ callId: call.id, method: call.method, attempt, url, code: reason.code, err: error }, 'http worker connection: request failed');
    // A newer attempt is in flight (this one timed out before failing): that one decides.
    if (call.attempt !== attempt) return;
    // Nobody took the call, or the worker went away under it: the next worker, after the backoff.
    if (RETRIED_AT_ONCE.has(reason.code) && this.driver.retryNow(call.id, attempt)) return;
    this.driver.onReply({ callId: call.id, error: reason });
  }

  /** A bug of ours in handling an outcome is said loudly, never an unhandled rejection. */
  private guard(call: CallInfo, handle: () => unknown): void {
    try {
      handle();
    } catch (error) {
      this.logger.error({ err: error, callId: call.id, method: call.method }, 'http worker connection: reply handling failed');
    }
  }

  private checkOpen(what: string): void {
    if (this.closing) throw new TotoError(ErrorCode.CLOSED, `${what}: the connection is closed`);
  }
}

/** A worker URL: http://host:port with an optional path, as httpRequest takes it. */
function checkWorkerUrl(address: string): void {
  parseHttpUrl('address', address);
  parseRequestUrl(address);
}

function noConnections(method: string): TotoError {
  return new TotoError(ErrorCode.NO_CONNECTIONS, `call (${method}): no active connections`);
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
