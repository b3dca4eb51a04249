// How HttpWorkerConnection reads a worker's HTTP response, as a pure function: Toto's connection
// decoded the body whatever the status (the worker's {error} rides on a 404 or a 500); beyond
// Toto, the body is read in the serialization its Content-Type names (the worker server answers
// errors as JSON whatever the request's serialization), a 202 is an @asynchronous method's
// acknowledgement, and anything that is no reply (an undecodable body, a proxy's 502 page) is
// said as such with the peer's bytes bounded. Never throws for any response.

import { jsonSerialization, noCompression, type Serialization } from './codec.js';
import { boundText, type TotoError } from './errors.js';
import type { HttpResponse } from './transport.js';
import { decodeReply, serializationForContentType, type Reply, type WireCodecs, type WireOptions } from './wire.js';

/** What a response says. */
export type WorkerResponse =
  | { readonly kind: 'ack' }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: TotoError }
  /** No reply: why (naming the url and status), and the decoder's code when it refused the body. */
  | { readonly kind: 'malformed'; readonly why: string; readonly code: unknown };

/** How much of a body that is no reply an error message repeats. */
const BODY_PREVIEW_BYTES = 200;
const previewDecoder = new TextDecoder();

/** What a reply body may be in: the request's serialization, and JSON (a worker's errors always are). */
function replySerializationsFor(codecs: WireCodecs): readonly Serialization[] {
  return codecs.serialization.mime.toLowerCase() === jsonSerialization.mime ? [codecs.serialization] : [codecs.serialization, jsonSerialization];
}

export function readWorkerResponse(response: HttpResponse, url: string, codecs: WireCodecs, wireOptions: WireOptions | undefined): WorkerResponse {
  if (response.status === 202) return { kind: 'ack' };
  const ok = response.status >= 200 && response.status < 300;
  let decoded: Reply | undefined;
  let failure: unknown;
  try {
    decoded = decodeReply(response.body, { serialization: serializationOf(response, codecs), compression: noCompression }, wireOptions);
  } catch (error) {
    failure = error;
  }
  if (decoded !== undefined && !decoded.ok) return { kind: 'error', error: decoded.error };
  if (decoded !== undefined && ok) return { kind: 'value', value: decoded.value };
  const why = ok ? `malformed reply from ${url}: ${messageOf(failure)}` : `HTTP ${response.status} from ${url} without a worker error: ${preview(response.body)}`;
  return { kind: 'malformed', why, code: (failure as { code?: unknown } | undefined)?.code };
}

/** The serialization the Content-Type names; without a known one, the connection's own (Toto read every body with loads). */
function serializationOf(response: HttpResponse, codecs: WireCodecs): Serialization {
  try {
    return serializationForContentType(response.headers['content-type'], replySerializationsFor(codecs));
  } catch {
    return codecs.serialization;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A body that is no reply, for an error message: its first bytes as text, bounded. */
function preview(body: Uint8Array): string {
  if (body.byteLength === 0) return '(empty body)';
  const text = previewDecoder.decode(body.subarray(0, BODY_PREVIEW_BYTES));
  return body.byteLength > BODY_PREVIEW_BYTES ? `${JSON.stringify(text)}... (${body.byteLength} bytes)` : JSON.stringify(boundText(text));
}
