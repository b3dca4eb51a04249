// What an HTTP request or response may contain, and the errors the HTTP transport gives,
// shared by the simulated network and the real transport (node:http + undici) so bad input,
// a refused connection or an oversize body read the same in both worlds. The rules follow
// what node:http and undici enforce (header tokens, value characters, methods llhttp parses),
// checked up front so neither world fails later in its own words.

import { parseHttpUrl, type HttpUrl } from './address.js';
import { ErrorCode, TimeoutError, TotoError } from './errors.js';
import type { HttpHandler, HttpListenOptions, HttpRequestOptions, HttpResponse } from './transport.js';
import { checkInteger, checkNonNegative, checkOptions, describe, expected } from './validate.js';

/** Default body limit of both directions (request bodies on a server, response bodies on a client). */
export const HTTP_MAX_BODY_BYTES_DEFAULT = 16 * 1024 * 1024;
/** Upper bound of maxBodyBytes: a body is one contiguous buffer. */
export const HTTP_MAX_BODY_BYTES_LIMIT = 2 ** 31 - 1;

/**
 * Default requestTimeoutMs of a server: headers and body must arrive within 30 s. A 16 MiB body
 * (the default maxBodyBytes) takes about 13 s at 10 Mbit/s, so honest slow clients get through,
 * while a slowloris connection is cut ten times sooner than by node's own 300 s requestTimeout.
 */
export const HTTP_REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
/**
 * Default bufferedBytesMax of a server: the request bodies it holds at once (being received or
 * handled). 64 MiB is four bodies of the default maxBodyBytes; a larger maxBodyBytes raises it to
 * that (one body must always fit). Stalled partial bodies past it get 503, not more memory.
 */
export const HTTP_BUFFERED_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS_MAX = 2 ** 31 - 1;

/** A server's limits, every field set. */
export type HttpListenLimits = Required<HttpListenOptions>;

/** The default limits of a server whose bodies may reach maxBodyBytes. */
export function defaultListenLimits(maxBodyBytes: number): HttpListenLimits {
  return { requestTimeoutMs: HTTP_REQUEST_TIMEOUT_MS_DEFAULT, bufferedBytesMax: Math.max(HTTP_BUFFERED_BYTES_MAX_DEFAULT, maxBodyBytes) };
}

/**
 * Checks the limit fields present in `options` (httpListen's options, or a transport's defaults
 * for its servers) and fills the others from `defaults`. bufferedBytesMax below maxBodyBytes would
 * answer 503 to a body the server accepts, forever: refused here, naming both.
 */
export function checkListenLimits(options: HttpListenOptions, maxBodyBytes: number, defaults: HttpListenLimits): HttpListenLimits {
  const { requestTimeoutMs, bufferedBytesMax } = options;
  if (requestTimeoutMs !== undefined) checkInteger('requestTimeoutMs', requestTimeoutMs, 1, REQUEST_TIMEOUT_MS_MAX);
  if (bufferedBytesMax !== undefined) {
    checkInteger('bufferedBytesMax', bufferedBytesMax, 0, Number.MAX_SAFE_INTEGER);
    if (bufferedBytesMax < maxBodyBytes) {
      throw new RangeError(`bufferedBytesMax: expected at least maxBodyBytes (${maxBodyBytes}), or a body the server accepts could never be received, got ${bufferedBytesMax}`);
    }
  }
  return { requestTimeoutMs: requestTimeoutMs ?? defaults.requestTimeoutMs, bufferedBytesMax: bufferedBytesMax ?? defaults.bufferedBytesMax };
}

/** Checks httpListen's options (see checkListenLimits). */
export function checkListenOptions(options: unknown, maxBodyBytes: number, defaults: HttpListenLimits): HttpListenLimits {
  checkOptions('httpListen options', options, ['requestTimeoutMs', 'bufferedBytesMax']);
  return checkListenLimits((options ?? {}) as HttpListenOptions, maxBodyBytes, defaults);
}

/** Methods a request may use (what llhttp parses and undici sends without a special mode). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * Headers the transport owns: framing and connection management. Users may not set them
 * (undici and node:http would reject or mis-frame), and receivers never see them, so the two
 * worlds show the same headers.
 */
export const HTTP_TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 field-value characters, as node:http checks them (no CR, LF, NUL or other controls).
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const INVALID_PATH_CHAR = /[^\x21-\x7e]|#/;
const EMPTY = new Uint8Array(0);
const TIMEOUT_MS_MAX = 2 ** 31 - 1;

export interface CheckedRequest {
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number | undefined;
}

/** Checks maxBodyBytes (an option of the real transport; the simulation uses the default). */
export function checkMaxBodyBytes(name: string, value: unknown): asserts value is number {
  checkInteger(name, value, 0, HTTP_MAX_BODY_BYTES_LIMIT);
}

/**
 * Header names lower-cased (both worlds show them so), values trimmed of surrounding
 * whitespace (as a receiving parser does). Throws TypeError/RangeError naming the header.
 */
export function normalizeHeaders(name: string, headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new TypeError(`${name}: expected an object of header strings, got ${describe(headers)}`);
  }
  const out: Record<string, string> = {};
  // for-in over own keys: this runs once per request on both sides of the real transport.
  for (const key in headers) {
    if (!Object.hasOwn(headers, key)) continue;
    const value = (headers as Record<string, unknown>)[key];
    if (!TOKEN.test(key)) throw new RangeError(`${name}: invalid header name ${JSON.stringify(key)} (expected an RFC 9110 token)`);
    const lower = key.toLowerCase();
    if (typeof value !== 'string') throw new TypeError(`${name}[${JSON.stringify(key)}]: expected a string, got ${describe(value)}`);
    if (INVALID_VALUE_CHAR.test(value)) throw new RangeError(`${name}[${JSON.stringify(key)}]: invalid character in header value ${JSON.stringify(value)}`);
    if (HTTP_TRANSPORT_HEADERS.has(lower)) throw new RangeError(`${name}: header ${JSON.stringify(key)} is set by the transport, not by the caller`);
    if (Object.hasOwn(out, lower)) throw new RangeError(`${name}: duplicate header ${JSON.stringify(lower)} (names are case-insensitive)`);
    out[lower] = isPadded(value) ? value.replace(/^[\t ]+|[\t ]+$/g, '') : value;
  }
  return out;
}

function isPadded(value: string): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first === 32 || first === 9 || last === 32 || last === 9;
}

/** Checks httpRequest's options; throws TypeError/RangeError naming the option. */
export function checkRequestOptions(options: HttpRequestOptions | undefined): CheckedRequest {
  checkOptions('httpRequest options', options, ['method', 'headers', 'body', 'timeoutMs']);
  const o = options ?? {};
  let method = 'GET';
  if (o.method !== undefined) {
    const upper = typeof o.method === 'string' ? o.method.toUpperCase() : o.method;
    if (!(HTTP_METHODS as readonly unknown[]).includes(upper)) {
      const error = typeof o.method === 'string' ? RangeError : TypeError;
      throw new error(`method: expected one of ${HTTP_METHODS.join(', ')}, got ${describe(o.method)}`);
    }
    method = upper as string;
  }
  if (o.body !== undefined && !(o.body instanceof Uint8Array)) throw new TypeError(`body: expected a Uint8Array, got ${describe(o.body)}`);
  if (o.timeoutMs !== undefined) {
    checkNonNegative('timeoutMs', o.timeoutMs);
    // Node fires a longer timer after 1 ms: refuse it in both worlds rather than time out at once.
    if (o.timeoutMs > TIMEOUT_MS_MAX) throw new RangeError(expected('timeoutMs', `a number in [0, ${TIMEOUT_MS_MAX}]`, o.timeoutMs));
  }
  const body = o.body ?? EMPTY;
  if ((method === 'GET' || method === 'HEAD') && body.length > 0) {
    throw new RangeError(`body: a ${method} request has no body, got ${body.length} bytes`);
  }
  return { method, headers: checkedHeaders('headers', o.headers), body, timeoutMs: o.timeoutMs };
}

// A client that sends the same frozen headers object with every request (HttpWorkerConnection
// does), or a handler that answers with one (HttpWorkerServer), has it checked once:
// normalizeHeaders' regexes, lower-casing and lookups were ~0.4 us of a worker call's client CPU
// and ~1 us of its server's at 1 in flight (bench rpc, http row). Only frozen objects whose
// properties are all data properties (checked when cached): nothing about them can change. The
// result is frozen too; whoever adds framing headers copies it (HttpServerNode's answer).
const checkedFrozenHeaders = new WeakMap<object, Readonly<Record<string, string>>>();

function checkedHeaders(name: string, headers: unknown): Record<string, string> {
  if (headers === null || typeof headers !== 'object' || !Object.isFrozen(headers)) return normalizeHeaders(name, headers);
  const cached = checkedFrozenHeaders.get(headers);
  if (cached !== undefined) return cached as Record<string, string>;
  const checked = normalizeHeaders(name, headers);
  if (Object.values(Object.getOwnPropertyDescriptors(headers)).every((property) => 'value' in property)) {
    checkedFrozenHeaders.set(headers, Object.freeze(checked));
  }
  return checked;
}

// A client calls the same few URLs again and again: parsing each once saves a regex pass per
// request. Bounded; cleared whole when full (simple, and a working set that large is rare).
const URL_CACHE_MAX = 256;
const urlCache = new Map<string, HttpUrl>();

/** Parses a request URL: `http://host:port/path?query`, the path printable ASCII without '#'. */
export function parseRequestUrl(url: unknown): HttpUrl {
  if (typeof url === 'string') {
    const cached = urlCache.get(url);
    if (cached) return cached;
  }
  const parsed = Object.freeze(parseHttpUrl('httpRequest', url));
  const bad = INVALID_PATH_CHAR.exec(parsed.path);
  if (bad) {
    throw new RangeError(`httpRequest: invalid character ${JSON.stringify(bad[0])} in the path of URL ${JSON.stringify(url)} (expected printable ASCII without spaces or '#')`);
  }
  if (urlCache.size >= URL_CACHE_MAX) urlCache.clear();
  urlCache.set(url as string, parsed);
  return parsed;
}

/**
 * Parses a listen address: `http://host:port`, no path; port 0 asks for any free port (the
 * handle's address then names the port chosen).
 */
export function parseListenAddress(address: unknown): { host: string; port: number } {
  const url = parseHttpUrl('httpListen', address);
  if (url.path !== '/' && url.path !== '') throw new RangeError(`httpListen: expected an address without a path, got ${JSON.stringify(address)}`);
  return { host: url.host, port: url.port };
}

/**
 * Checks what a handler returned; a string is the reason it is not a response (the server
 * answers 500 with it). Headers as `normalizeHeaders` (a frozen object's come back frozen, see
 * checkedHeaders), missing headers/body are empty.
 */
export function checkHandlerResponse(value: unknown): HttpResponse | string {
  const r = value as Partial<HttpResponse> | null;
  if (r === null || typeof r !== 'object') return `handler returned ${describe(value)}, expected {status, headers, body}`;
  if (!Number.isInteger(r.status) || (r.status as number) < 200 || (r.status as number) > 599) {
    return `handler returned status ${describe(r.status)}, expected an integer in [200, 599]`;
  }
  if (r.body !== undefined && !(r.body instanceof Uint8Array)) return `handler returned body ${describe(r.body)}, expected a Uint8Array`;
  try {
    const headers = checkedHeaders('handler response headers', r.headers);
    return { status: r.status as number, headers, body: r.body ?? EMPTY };
  } catch (error) {
    return (error as Error).message;
  }
}

/** Statuses and methods whose response carries no body, whatever the handler returned. */
export function responseHasBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304;
}

const textHeaders = (): Record<string, string> => ({ 'content-type': 'text/plain; charset=utf-8' });
const encoder = new TextEncoder();

/** The 500 a server answers when its handler throws or returns something that is not a response. */
export function serverErrorResponse(reason: string): HttpResponse {
  return { status: 500, headers: textHeaders(), body: encoder.encode(`Internal Server Error: ${reason}`) };
}

/** The 405 a server answers, without calling the handler, for a method outside HTTP_METHODS (only raw clients can send one). */
export function methodNotAllowedResponse(method: string): HttpResponse {
  return { status: 405, headers: { ...textHeaders(), allow: HTTP_METHODS.join(', ') }, body: encoder.encode(`Method Not Allowed: ${method} (allowed: ${HTTP_METHODS.join(', ')})`) };
}

/** The 413 a server answers, without calling the handler, for a request body over its limit. */
export function payloadTooLargeResponse(maxBodyBytes: number): HttpResponse {
  return { status: 413, headers: textHeaders(), body: encoder.encode(`Payload Too Large: request body exceeds maxBodyBytes=${maxBodyBytes}`) };
}

/**
 * A handler may answer the transport's own 413 in its own format (HttpWorkerServer answers every
 * error as JSON {error}): a `payloadTooLarge(maxBodyBytes)` function on the handler.
 */
export interface PayloadTooLargeHook {
  payloadTooLarge?: (maxBodyBytes: number) => HttpResponse;
}

/** The 413 for a request to `handler`: the handler's own 413 when it gives one, else payloadTooLargeResponse. */
export function payloadTooLargeFor(handler: HttpHandler, maxBodyBytes: number): HttpResponse {
  const own = (handler as HttpHandler & PayloadTooLargeHook).payloadTooLarge;
  if (typeof own !== 'function') return payloadTooLargeResponse(maxBodyBytes);
  try {
    const response = checkHandlerResponse(own(maxBodyBytes));
    if (typeof response !== 'string' && response.status === 413) return response;
  } catch {
    // A hook that throws gets the transport's own answer: the client still learns why.
  }
  return payloadTooLargeResponse(maxBodyBytes);
}

/**
 * A handler may answer the transport's other refusals in its own format too: 408 (the request did
 * not arrive within requestTimeoutMs) and 503 (bufferedBytesMax reached), both made before the
 * handler saw the request. `reason` is the transport's sentence; the hook chooses the body.
 */
export interface TransportRefusalHook {
  transportRefusal?: (status: 408 | 503, reason: string) => HttpResponse;
}

/** Why a server answers 408: the request's headers and body did not arrive within requestTimeoutMs. */
export function requestTimeoutReason(requestTimeoutMs: number): string {
  return `the request did not arrive within requestTimeoutMs=${requestTimeoutMs}`;
}

/** Why a server answers 503: a request body would take the bodies it holds past bufferedBytesMax. */
export function serverBusyReason(bufferedBytesMax: number): string {
  return `request bodies held by this server would exceed bufferedBytesMax=${bufferedBytesMax}`;
}

const REFUSAL_TITLES = { 408: 'Request Timeout', 503: 'Service Unavailable' } as const;

/** The 408 or 503 for a request to `handler`: the handler's own when it gives one with that status, else plain text. */
export function transportRefusalFor(handler: HttpHandler, status: 408 | 503, reason: string): HttpResponse {
  const own = (handler as HttpHandler & TransportRefusalHook).transportRefusal;
  if (typeof own === 'function') {
    try {
      const response = checkHandlerResponse(own(status, reason));
      if (typeof response !== 'string' && response.status === status) return response;
    } catch {
      // A hook that throws gets the transport's own answer, as payloadTooLargeFor does.
    }
  }
  return { status, headers: textHeaders(), body: encoder.encode(`${REFUSAL_TITLES[status]}: ${reason}`) };
}

/** `host:port` as the URL wrote it, for error messages (both worlds name the same peer). */
export function peerOf(url: HttpUrl): string {
  return `${url.host}:${url.port}`;
}

export function connectionRefused(url: string, parsed: HttpUrl): TotoError {
  return new TotoError(ErrorCode.CONNECTION_REFUSED, `httpRequest: connection refused by ${peerOf(parsed)} (nothing listening) for ${url}`);
}

export function connectionReset(url: string, parsed: HttpUrl): TotoError {
  return new TotoError(ErrorCode.CONNECTION_RESET, `httpRequest: connection reset by ${peerOf(parsed)} before the response was complete, for ${url}`);
}

export function requestTimedOut(url: string, timeoutMs: number): TimeoutError {
  return new TimeoutError(`httpRequest: no response from ${url} within ${timeoutMs}ms`);
}

export function responseTooLarge(url: string, maxBodyBytes: number): TotoError {
  return new TotoError(ErrorCode.BODY_TOO_LARGE, `httpRequest: response body from ${url} exceeds maxBodyBytes=${maxBodyBytes}`);
}
