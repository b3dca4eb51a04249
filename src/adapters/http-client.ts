// The client side of TransportHttp: reading an undici response within maxBodyBytes, and
// turning undici's and the socket's failures into the TotoErrors the simulation gives.

import type { Dispatcher } from 'undici';
import { HTTP_TRANSPORT_HEADERS, connectionRefused, connectionReset, requestTimedOut, responseHasBody, responseTooLarge } from '../core/http-message.js';
import type { HttpUrl } from '../core/address.js';
import { TotoError } from '../core/errors.js';
import type { HttpResponse } from '../core/transport.js';

const EMPTY = new Uint8Array(0);

/** Error codes that mean the peer closed or reset the connection under a request. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Reads status, headers (lower-cased, without transport headers) and body, up to maxBodyBytes. */
export async function readResponse(response: Dispatcher.ResponseData, url: string, method: string, maxBodyBytes: number): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  const received = response.headers;
  for (const name in received) {
    const value = received[name];
    if (value === undefined || HTTP_TRANSPORT_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // A HEAD (or 204/304) response's content-length describes a body it does not carry.
  const declared = responseHasBody(method, response.statusCode) ? Number(response.headers['content-length'] ?? -1) : -1;
  if (declared > maxBodyBytes) {
    // Destroying the body fails it with an AbortError; nobody else reads it.
    response.body.on('error', () => {});
    response.body.destroy();
    throw responseTooLarge(url, maxBodyBytes);
  }
  const body = declared >= 0 ? new Uint8Array(await response.body.arrayBuffer()) : await readLimited(response.body, url, maxBodyBytes);
  return { status: response.statusCode, headers, body };
}

/** A body without a declared length, counted as it arrives. */
function readLimited(body: Dispatcher.ResponseData['body'], url: string, maxBodyBytes: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        body.destroy();
        reject(responseTooLarge(url, maxBodyBytes));
        return;
      }
      chunks.push(chunk);
    });
    body.on('error', reject);
    body.on('end', () => {
      if (size === 0) return resolve(EMPTY);
      const buffer = Buffer.concat(chunks, size);
      resolve(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length));
    });
  });
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
