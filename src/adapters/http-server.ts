// One node:http server behind `httpListen`. It reads the request body up to maxBodyBytes
// (over the limit: 413 without calling the handler, and the rest of the body is discarded so
// the keep-alive connection stays usable), calls the handler once, and answers what it returns;
// a handler that throws or returns something that is not a response gives a 500 and an error
// log line, never a crashed server. Malformed requests get node's own 400 (clientError), and
// methods outside HTTP_METHODS a 405 (the handler only sees what a TransportPort client sends).
// Headers reach the handler lower-cased, without the transport's framing headers, as in the
// simulation.
//
// Bounded against slow and hostile clients (issue 7): a request's headers and body must arrive
// within requestTimeoutMs (node's requestTimeout/headersTimeout, checked every
// connectionsCheckingInterval), else 408 and the connection closes; and the request bodies the
// server holds at once -- being received, or handed to the handler until its response ends --
// stay within bufferedBytesMax: a body that would pass it gets 503 (the handler is not called)
// and the rest of it is read and discarded, as for a 413. Both refusals go through the handler's
// transportRefusal hook when it has one (HttpWorkerServer answers them as JSON {error}).

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  HTTP_METHODS,
  HTTP_TRANSPORT_HEADERS,
  checkHandlerResponse,
  methodNotAllowedResponse,
  payloadTooLargeFor,
  requestTimeoutReason,
  responseHasBody,
  serverBusyReason,
  serverErrorResponse,
  transportRefusalFor,
} from '../core/http-message.js';
import type { Logger } from '../core/ports.js';
import type { HttpHandler, HttpRequest, HttpResponse, HttpServerHandle } from '../core/transport.js';

export interface HttpServerNodeOptions {
  maxBodyBytes: number;
  logger: Logger;
  /** How long an idle keep-alive connection stays open (node:http keepAliveTimeout). */
  keepAliveTimeoutMs: number;
  /** How long close() lets requests in progress finish before it closes their connections. */
  closeGraceMs: number;
  /** Headers and body of a request must arrive within this long (else 408, connection closed). */
  requestTimeoutMs: number;
  /** Most bytes of request bodies held at once (received, or with the handler); past it, 503. */
  bufferedBytesMax: number;
}

/**
 * How often node looks for requests past their deadline: a tenth of it, between 10 ms and 1 s, so
 * a request is cut at most 10% (or 1 s) late, and the check (a walk over active connections)
 * runs no more than once per second at the default.
 */
function connectionsCheckingIntervalMs(requestTimeoutMs: number): number {
  return Math.min(1_000, Math.max(10, Math.ceil(requestTimeoutMs / 10)));
}

const EMPTY = new Uint8Array(0);

/** What every request of one server needs. */
interface Serving {
  readonly handler: HttpHandler;
  readonly options: HttpServerNodeOptions;
  /** Set by close(): responses from then on close their connection, so close() ends when they do. */
  closing: boolean;
  /** Bytes of request bodies held now (bufferedBytesMax bounds it). */
  bufferedBytes: number;
}

export class HttpServerNode implements HttpServerHandle {
  readonly address: string;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: http.Server,
    private readonly serving: Serving,
    address: string,
    private readonly onClosed: (server: HttpServerNode) => void,
    private readonly closeGraceMs: number,
  ) {
    this.address = address;
  }

  /** Listens on host:port (port 0: any free port; host '*': every interface). */
  static async listen(host: string, port: number, handler: HttpHandler, options: HttpServerNodeOptions, onClosed: (server: HttpServerNode) => void): Promise<HttpServerNode> {
    const serving: Serving = { handler, options, closing: false, bufferedBytes: 0 };
    const server = http.createServer(
      {
        keepAliveTimeout: options.keepAliveTimeoutMs,
        // One deadline for the whole request: node counts both from the request's first byte.
        requestTimeout: options.requestTimeoutMs,
        headersTimeout: options.requestTimeoutMs,
        connectionsCheckingInterval: connectionsCheckingIntervalMs(options.requestTimeoutMs),
      },
      (req, res) => serve(req, res, serving),
    );
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => onClientError(error, socket, serving));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: host === '*' ? undefined : host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => options.logger.error({ err: error }, 'httpListen: server error'));
    const bound = (server.address() as AddressInfo).port;
    return new HttpServerNode(server, serving, `http://${host}:${bound}`, onClosed, options.closeGraceMs);
  }

  /** Stops accepting connections; requests in progress get closeGraceMs to finish. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.serving.closing = true;
    this.closing = new Promise<void>((resolve) => {
      const force = setTimeout(() => this.server.closeAllConnections(), this.closeGraceMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        this.onClosed(this);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    return this.closing;
  }

  /** Bytes of request bodies this server holds now (being received or with the handler). */
  get bufferedBytes(): number {
    return this.serving.bufferedBytes;
  }

  /** Closes at once, connections with requests in progress too. */
  destroy(): Promise<void> {
    const closed = this.close();
    this.server.closeAllConnections();
    return closed;
  }
}

function serve(req: http.IncomingMessage, res: http.ServerResponse, serving: Serving): void {
  const options = serving.options;
  // The simulation has no wall clock in its responses; a handler that wants a Date header sets it.
  res.sendDate = false;
  const raw = req.rawHeaders;
  const headers: Record<string, string> = {};
  let declared = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'content-length') declared = Number(value);
    if (HTTP_TRANSPORT_HEADERS.has(name)) continue;
    // Repeated fields combine as node:http combines them (RFC 9110 5.3).
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  }
  const limit = options.maxBodyBytes;
  // Handlers see the methods a TransportPort client can send, in both worlds; raw clients may send others.
  if (!(HTTP_METHODS as readonly string[]).includes(req.method as string)) return answer(req, res, methodNotAllowedResponse(req.method as string), serving);
  // Node discards an unread body after the response ends, keeping the connection alive.
  if (declared > limit) return answer(req, res, payloadTooLargeFor(serving.handler, limit), serving);
  const request: HttpRequest = { method: req.method as string, path: req.url as string, headers, body: EMPTY };
  if (declared === 0) return dispatch(req, res, request, serving);
  // One object and module-level listeners per body, no closures: under tsx (the benches) a named
  // per-request closure also cost a defineProperty of its name, ~1.5 us of the server's CPU per
  // call in the profile (bench rpc, http row).
  (req as BodyCarrier)[BODY] = new BodyRead(res, request, serving);
  res.on('close', onResponseClose);
  req.on('data', onBodyData);
  req.on('end', onBodyEnd);
  req.on('error', onBodyError);
}

/** A request body being read. Its bytes count against bufferedBytesMax until its response ends or its connection goes. */
class BodyRead {
  readonly chunks: Buffer[] = [];
  size = 0;
  over = false;
  held = 0;
  constructor(
    readonly res: http.ServerResponse,
    readonly request: HttpRequest,
    readonly serving: Serving,
  ) {}

  release(): void {
    this.serving.bufferedBytes -= this.held;
    this.held = 0;
  }
}

const BODY = Symbol('bodyRead');
type BodyCarrier = http.IncomingMessage & { [BODY]: BodyRead };

function onResponseClose(this: http.ServerResponse): void {
  (this.req as BodyCarrier)[BODY].release();
}

function onBodyData(this: http.IncomingMessage, chunk: Buffer): void {
  const read = (this as BodyCarrier)[BODY];
  if (read.over) return;
  const { serving } = read;
  const options = serving.options;
  const res = read.res;
  read.size += chunk.length;
  if (read.size > options.maxBodyBytes) {
    read.over = true;
    read.chunks.length = 0;
    read.release();
    answer(this, res, payloadTooLargeFor(serving.handler, options.maxBodyBytes), serving);
    return;
  }
  if (serving.bufferedBytes + chunk.length > options.bufferedBytesMax) {
    read.over = true;
    read.chunks.length = 0;
    read.release();
    options.logger.warn({ method: this.method, path: this.url, bufferedBytes: serving.bufferedBytes }, `httpListen: 503, ${serverBusyReason(options.bufferedBytesMax)}`);
    answer(this, res, transportRefusalFor(serving.handler, 503, serverBusyReason(options.bufferedBytesMax)), serving);
    return;
  }
  read.held += chunk.length;
  serving.bufferedBytes += chunk.length;
  read.chunks.push(chunk);
}

function onBodyEnd(this: http.IncomingMessage): void {
  const read = (this as BodyCarrier)[BODY];
  if (read.over) return;
  read.request.body = toBytes(read.chunks, read.size);
  dispatch(this, read.res, read.request, read.serving);
}

/** A client that goes away mid-body: nothing to answer, the socket is gone. */
function onBodyError(this: http.IncomingMessage, error: Error): void {
  (this as BodyCarrier)[BODY].serving.options.logger.debug({ err: error, method: this.method, path: this.url }, 'httpListen: request aborted');
}

/**
 * node's clientError: a request past requestTimeoutMs gets 408 (the handler's own when it has the
 * hook); anything else gets node's own answer, which this listener replaces (the same bytes).
 */
function onClientError(error: NodeJS.ErrnoException, socket: Socket, serving: Serving): void {
  // As node: answer only if no response of this connection has started, or the peer would read a mix.
  const response = (socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      const reason = requestTimeoutReason(serving.options.requestTimeoutMs);
      serving.options.logger.debug({ remote: socket.remoteAddress }, `httpListen: 408, ${reason}`);
      socket.write(rawResponse(transportRefusalFor(serving.handler, 408, reason)));
    } else socket.write(NODE_CLIENT_ERRORS.get(error.code as string) ?? BAD_REQUEST);
  }
  socket.destroy(error);
}

// node:http's own answers to a request it cannot parse (lib/_http_server.js, socketOnError).
const NODE_CLIENT_ERRORS = new Map([
  ['HPE_HEADER_OVERFLOW', 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n'],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n'],
]);
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/** A checked response as bytes, for a connection the server closes right after. */
function rawResponse(response: HttpResponse): Buffer {
  let head = `HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(response.headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${response.body.length}\r\nconnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), response.body]);
}

function toBytes(chunks: Buffer[], size: number): Uint8Array {
  if (chunks.length === 0) return EMPTY;
  const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  // A plain Uint8Array view, as the simulation hands out (no copy).
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

function dispatch(req: http.IncomingMessage, res: http.ServerResponse, request: HttpRequest, serving: Serving): void {
  let result: HttpResponse | Promise<HttpResponse>;
  try {
    result = serving.handler(request);
  } catch (error) {
    return fail(req, res, request, serving, error);
  }
  // A synchronous handler answers without a promise round trip (and without closures).
  if (result !== null && typeof (result as Promise<HttpResponse>)?.then === 'function') {
    try {
      (result as Promise<HttpResponse>).then(
        (value) => succeed(req, res, request, serving, value),
        (error: unknown) => fail(req, res, request, serving, error),
      );
    } catch (error) {
      // A thenable whose then() throws: a failing handler (as awaiting it would say), not an uncaught exception.
      fail(req, res, request, serving, error);
    }
  } else succeed(req, res, request, serving, result);
}

function succeed(req: http.IncomingMessage, res: http.ServerResponse, request: HttpRequest, serving: Serving, value: unknown): void {
  const response = checkHandlerResponse(value);
  if (typeof response !== 'string') return answer(req, res, response, serving);
  serving.options.logger.error({ method: request.method, path: request.path }, `httpListen: ${response}`);
  answer(req, res, serverErrorResponse(response), serving);
}

function fail(req: http.IncomingMessage, res: http.ServerResponse, request: HttpRequest, serving: Serving, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  serving.options.logger.error({ err: error, method: request.method, path: request.path }, `httpListen: handler failed: ${reason}`);
  answer(req, res, serverErrorResponse(reason), serving);
}

/** Writes a checked response (its headers object is ours to add framing to, unless frozen: checked once and shared). */
function answer(req: http.IncomingMessage, res: http.ServerResponse, response: HttpResponse, serving: Serving): void {
  if (res.headersSent || res.destroyed) return;
  if (serving.closing) res.shouldKeepAlive = false;
  const headers: Record<string, string> = Object.isFrozen(response.headers) ? { ...response.headers } : response.headers;
  if (responseHasBody(req.method as string, response.status)) {
    headers['content-length'] = String(response.body.length);
    // Corked: node:http writes the head and a binary body as two writes (two TCP segments, two
    // reads at the client); one writev halved the server's time in writev (bench rpc, http row).
    const socket = res.socket;
    socket?.cork();
    res.writeHead(response.status, headers);
    res.end(response.body);
    socket?.uncork();
  } else {
    res.writeHead(response.status, headers);
    res.end();
  }
}
