// The client side of TransportHttp: reading an undici response within maxBodyBytes, and
// turning undici's and the socket's failures into the TotoErrors the simulation gives.

import { util as undiciUtil, type Dispatcher } from 'undici';
import { HTTP_TRANSPORT_HEADERS, connectionRefused, connectionReset, requestTimedOut, responseHasBody, responseTooLarge } from '../core/http-message.js';
import type { HttpUrl } from '../core/address.js';
import { TotoError } from '../core/errors.js';
import type { HttpResponse } from '../core/transport.js';

const EMPTY = new Uint8Array(0);

/** Error codes that mean the peer closed or reset the connection under a request. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * One request on undici's dispatch API: the response's status, headers (lower-cased, without
 * transport headers) and body up to maxBodyBytes, settled once as a promise, or the failure as
 * the simulation's TotoError. The timeout aborts the request (undici's own timers are off).
 *
 * Why not `agent.request`: its RequestHandler builds a Readable body stream, an AsyncResource and
 * an abort signal's listener for every request, and reading the body back from the stream costs
 * more promise hops. Against it this handler (undici's callbacks straight into one object, the
 * timer on the object, no closures) cut a worker call's client CPU by ~6 us (bench rpc, http row).
 * It uses undici's callback handler (onConnect/onHeaders/onData/onComplete/onError), which
 * Dispatcher.dispatch takes without a wrapper.
 */
export class ResponseRead implements Dispatcher.DispatchHandler {
  readonly promise: Promise<HttpResponse>;
  private resolve!: (response: HttpResponse) => void;
  private reject!: (error: unknown) => void;
  private abort: ((reason?: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private settled = false;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly url: string,
    private readonly parsed: HttpUrl,
    private readonly method: string,
    private readonly maxBodyBytes: number,
    private readonly timeoutMs: number | undefined,
  ) {
    this.promise = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (timeoutMs !== undefined) this.timer = setTimeout(onRequestTimeout, timeoutMs, this);
  }

  /** The timeout: abort the request on its connection; one still waiting for a connection fails now and is aborted when it gets one. */
  onTimeout(): void {
    this.timedOut = true;
    if (this.abort !== undefined) this.abort(this.timeoutError());
    else this.fail(this.timeoutError());
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.timedOut) abort(this.timeoutError());
    else this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, _statusText: string): boolean {
    // 1xx responses come before the real one; undici answers none of ours with them, but skip them as request() does.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.headers = copyHeaders(undiciUtil.parseHeaders(rawHeaders) as Record<string, string | string[] | undefined>);
    // A HEAD (or 204/304) response's content-length describes a body it does not carry.
    const declared = responseHasBody(this.method, statusCode) ? Number(this.headers['content-length'] ?? -1) : -1;
    if (declared > this.maxBodyBytes) this.tooLarge();
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    // Counted as it arrives: a body without a declared length is refused at the limit, not after.
    if (this.size > this.maxBodyBytes) {
      this.tooLarge();
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, headers: this.headers, body: bodyOf(this.chunks, this.size) });
  }

  onError(error: Error): void {
    this.fail(toTransportError(error, this.url, this.parsed, this.timedOut ? this.timeoutMs : undefined));
  }

  private tooLarge(): void {
    this.chunks.length = 0;
    // Aborting closes the connection (the rest of the body is not read) and fails the request with this error.
    (this.abort as (reason?: Error) => void)(responseTooLarge(this.url, this.maxBodyBytes));
  }

  private fail(error: unknown): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private timeoutError(): Error {
    return requestTimedOut(this.url, this.timeoutMs as number);
  }
}

function onRequestTimeout(read: ResponseRead): void {
  read.onTimeout();
}

/** Response headers as the simulation shows them: lower-cased (undici's parseHeaders), transport headers dropped, repeats joined. */
function copyHeaders(received: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in received) {
    const value = received[name];
    if (value === undefined || HTTP_TRANSPORT_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The body in a fresh plain Uint8Array (undici's chunks are views into the socket's reads). */
function bodyOf(chunks: Buffer[], size: number): Uint8Array {
  if (size === 0) return EMPTY;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/**
 * Maps a failure to the simulation's outcome: timeout (we aborted) -> TIMEOUT, nothing listening
 * -> CONNECTION_REFUSED, the peer closing mid-request -> CONNECTION_RESET. Anything else (a
 * TotoError already, a DNS failure) is returned as it is.
 */
export function toTransportError(error: unknown, url: string, parsed: HttpUrl, timedOutAfterMs: number | undefined): unknown {
  if (timedOutAfterMs !== undefined) return requestTimedOut(url, timedOutAfterMs);
  if (error instanceof TotoError) return error;
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return withCause(connectionRefused(url, parsed), error);
  if (code !== undefined && RESET_CODES.has(code)) return withCause(connectionReset(url, parsed), error);
  if (code === 'UND_ERR_DESTROYED') return closedError(`httpRequest: TransportHttp closed while the request to ${url} was in flight`, error);
  return error;
}

/** Use after close, coded EBADF as TransportZmq's and the sockets' are, so callers can branch on it. */
export function closedError(message: string, cause?: unknown): Error & { code: 'EBADF' } {
  return Object.assign(new Error(`${message} (EBADF)`, cause === undefined ? undefined : { cause }), { code: 'EBADF' as const });
}

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node 20 tries every address of a name (autoSelectFamily): an AggregateError of refusals.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return undefined;
}

function withCause(error: TotoError, cause: unknown): TotoError {
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return error;
}
