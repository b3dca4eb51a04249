// Toto's HTTP worker as a component over TransportPort.httpListen, so the same code serves on the
// simulated network and on the real TransportHttp. POST with a body compress(dumps({method,
// parameters})) in the serialization its Content-Type names (Toto's HTTPWorkerConnection sent
// exactly that); one WorkerDispatcher per serialization reads it and runs the method.
//
// Statuses: 200 with the value (serialized, not compressed, with that serialization's mime: Toto's
// connection read it with loads(body)); 202 with null for an @asynchronous method (httpStatusOf);
// 404 unknown method; 500 method error; 400 malformed body; 413 over maxBodyBytes; 415 unsupported
// Content-Type; 405 a method other than POST. Every error body is JSON {error: {code, value}} with
// Content-Type application/json, whatever the request's serialization: a client can always read
// why it failed, even when it could not be understood. A dispatcher's error keeps its code
// (MISSING_METHOD, a TotoError's own); the server's own refusals are SERVER (1000), as Toto
// answered anything that was not a method's error.
//
// The transport enforces its own body limit before the handler runs; the handler's
// payloadTooLarge hook (PayloadTooLargeHook) makes that 413 this server's JSON {error} too, in
// both worlds. This server's maxBodyBytes only matters when it is smaller than the transport's.

import { jsonSerialization, noCompression, type Serialization } from './codec.js';
import { ErrorCode, TotoError } from './errors.js';
import { checkMaxBodyBytes, HTTP_MAX_BODY_BYTES_DEFAULT, type PayloadTooLargeHook, type TransportRefusalHook } from './http-message.js';
import { silentLogger, type Logger } from './ports.js';
import type { HttpHandler, HttpRequest, HttpResponse, HttpServerHandle, TransportPort } from './transport.js';
import { checkOptions, expected } from './validate.js';
import { encodeErrorReply, serializationForContentType, type WireCodecs } from './wire.js';
import { httpStatusOf, type WorkerDispatcher, type WorkerOutcome } from './worker-dispatch.js';

/** A serialization the server reads, and the dispatcher built for it (see httpWorkerCodecs). */
export interface HttpWorkerRoute {
  serialization: Serialization;
  /**
   * Only dispatchPayload is used (and dispatchPayloadNow when it has one), so a WorkerDispatcher
   * of any worker type fits.
   */
  dispatcher: Pick<WorkerDispatcher, 'dispatchPayload'> & Partial<Pick<WorkerDispatcher, 'dispatchPayloadNow'>>;
}

/** What a request needs of its route, found by serialization without a search or a closure per request. */
interface Route {
  readonly serialization: Serialization;
  readonly dispatcher: HttpWorkerRoute['dispatcher'];
  /** dispatchPayloadNow when the dispatcher has it: a method that returns at once is answered at once. */
  readonly now: boolean;
  /** A value reply's headers, frozen: the transport checks them once, not per response (checkHandlerResponse). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpWorkerServerOptions {
  transport: Pick<TransportPort, 'httpListen'>;
  /** One per accepted serialization, each dispatcher built with that serialization's codecs. */
  routes: readonly HttpWorkerRoute[];
  logger?: Logger;
  /** Largest request body answered, in bytes; larger gets 413. Default (and at most) the transport's 16 MiB. */
  maxBodyBytes?: number;
}

export interface HttpWorkerServerStats {
  /** Requests the handler saw. */
  requests: number;
  /** Refused before dispatch, by status. */
  refused: { 405: number; 413: number; 415: number };
}

/**
 * The codecs to build a route's dispatcher with: requests read as `compression` says (Toto sent
 * the body compressed, with no Content-Encoding) and replies written serialized but uncompressed.
 */
export function httpWorkerCodecs(serialization: Serialization, compression = noCompression): { codecs: WireCodecs; replyCodecs: WireCodecs } {
  return { codecs: { serialization, compression }, replyCodecs: { serialization, compression: noCompression } };
}

const JSON_CODECS: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const JSON_HEADERS = Object.freeze({ 'content-type': jsonSerialization.mime });
// The last resort: an error whose value JSON cannot carry still gets a JSON body.
const FALLBACK_ERROR = encodeErrorReply(new TotoError(ErrorCode.SERVER, 'error reply could not be encoded'), JSON_CODECS);

export class HttpWorkerServer {
  private readonly transport: Pick<TransportPort, 'httpListen'>;
  private readonly routes: readonly Route[];
  private readonly serializations: readonly Serialization[];
  private readonly logger: Logger;
  private readonly maxBodyBytes: number;
  private handle: HttpServerHandle | undefined;
  private starting = false;
  private readonly counts = { requests: 0, refused: { 405: 0, 413: 0, 415: 0 } };

  constructor(options: HttpWorkerServerOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(expected('HttpWorkerServer options', 'an options object', options));
    checkOptions('HttpWorkerServer options', options, ['transport', 'routes', 'logger', 'maxBodyBytes']);
    const { transport, routes, logger = silentLogger, maxBodyBytes = HTTP_MAX_BODY_BYTES_DEFAULT } = options;
    if (transport === null || typeof transport !== 'object' || typeof transport.httpListen !== 'function') {
      throw new TypeError(expected('transport', 'a TransportPort', transport));
    }
    if (!Array.isArray(routes) || routes.length === 0) throw new TypeError(expected('routes', 'a non-empty array of {serialization, dispatcher}', routes));
    const mimes = new Set<string>();
    for (const [i, route] of routes.entries()) {
      const r = route as Partial<HttpWorkerRoute> | null;
      if (r === null || typeof r !== 'object' || typeof r.serialization?.mime !== 'string' || typeof r.dispatcher?.dispatchPayload !== 'function') {
        throw new TypeError(expected(`routes[${i}]`, 'an object {serialization, dispatcher}', route));
      }
      const mime = r.serialization.mime.toLowerCase();
      if (mimes.has(mime)) throw new RangeError(`routes[${i}]: serialization ${JSON.stringify(mime)} is given twice`);
      mimes.add(mime);
    }
    if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function') throw new TypeError(expected('logger', 'a Logger', logger));
    checkMaxBodyBytes('maxBodyBytes', maxBodyBytes);
    this.transport = transport;
    this.routes = routes.map(({ serialization, dispatcher }) => ({
      serialization,
      dispatcher,
      now: typeof dispatcher.dispatchPayloadNow === 'function',
      headers: Object.freeze({ 'content-type': serialization.mime }),
    }));
    this.serializations = this.routes.map((r) => r.serialization);
    this.logger = logger;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Listens at `address` (`http://host:port`, port 0 for any free one); resolves with the bound address. */
  async start(address: string): Promise<string> {
    if (this.handle !== undefined || this.starting) throw new Error('HttpWorkerServer: already started');
    this.starting = true;
    try {
      // The transport's own 413, 408 and 503 (refused before the handler) as JSON too.
      const handler: HttpHandler & PayloadTooLargeHook & TransportRefusalHook = Object.assign((request: HttpRequest) => this.answer(request), {
        payloadTooLarge: (maxBodyBytes: number) => this.tooLarge(maxBodyBytes),
        transportRefusal: (status: 408 | 503, reason: string) => errorResponse(status, new TotoError(ErrorCode.SERVER, reason), {}),
      });
      this.handle = await this.transport.httpListen(address, handler);
    } finally {
      this.starting = false;
    }
    return this.handle.address;
  }

  /** The bound address, once started. */
  get address(): string | undefined {
    return this.handle?.address;
  }

  /** Stops listening; a server never started (or closed already) closes at once. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await handle.close();
  }

  get stats(): HttpWorkerServerStats {
    return { requests: this.counts.requests, refused: { ...this.counts.refused } };
  }

  /**
   * Answers without a promise when the dispatcher's outcome is there at once (a method that
   * returned a value, a refusal): the transport then writes the response in the same turn.
   * An async answer() and the awaited dispatch were two promise hops and ~2 us of the server's
   * CPU per call (bench rpc, http row). A throw here is the handler failing, as a rejection was.
   */
  private answer(request: HttpRequest): HttpResponse | Promise<HttpResponse> {
    this.counts.requests++;
    if (request.method !== 'POST') {
      return this.refuse(405, `method ${request.method} not allowed: a worker call is a POST`, { allow: 'POST' }, request);
    }
    if (request.body.byteLength > this.maxBodyBytes) {
      return this.refuse(413, `request body of ${request.body.byteLength} bytes exceeds maxBodyBytes (${this.maxBodyBytes})`, {}, request);
    }
    let serialization: Serialization;
    try {
      serialization = serializationForContentType(request.headers['content-type'], this.serializations);
    } catch (error) {
      return this.refuse(415, (error as Error).message, {}, request);
    }
    let route = this.routes[0] as Route;
    for (const one of this.routes) if (one.serialization === serialization) route = one;
    // Never rejects: a dispatcher turns every failure into an outcome.
    if (!route.now) return Promise.resolve(route.dispatcher.dispatchPayload(request.body)).then((settled) => responseOf(settled, route));
    const outcome = (route.dispatcher as WorkerDispatcher).dispatchPayloadNow(request.body);
    if (outcome instanceof Promise) return outcome.then((settled) => responseOf(settled, route));
    return responseOf(outcome, route);
  }

  /** The transport refused a body over its own limit before this server saw the request. */
  private tooLarge(maxBodyBytes: number): HttpResponse {
    return this.refuse(413, `request body exceeds the transport's maxBodyBytes (${maxBodyBytes})`, {}, undefined);
  }

  private refuse(status: 405 | 413 | 415, reason: string, headers: Record<string, string>, request: HttpRequest | undefined): HttpResponse {
    this.counts.refused[status]++;
    try {
      this.logger.warn({ status, method: request?.method, path: request?.path, reason }, 'http worker: request refused');
    } catch {
      // A logger that throws must not take the answer with it.
    }
    return errorResponse(status, new TotoError(ErrorCode.SERVER, reason), headers);
  }
}

function responseOf(outcome: WorkerOutcome, route: Route): HttpResponse {
  const status = httpStatusOf(outcome);
  if (outcome.kind === 'reply' && outcome.error !== undefined) return errorResponse(status, outcome.error, {});
  // A value, or an @asynchronous method's null: its completion is logged by the dispatcher; serve on.
  return { status, headers: route.headers, body: outcome.payload };
}

function errorResponse(status: number, error: TotoError, headers: Record<string, string>): HttpResponse {
  let body: Uint8Array;
  try {
    body = encodeErrorReply(error, JSON_CODECS);
  } catch {
    body = FALLBACK_ERROR;
  }
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}
