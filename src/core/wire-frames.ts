// Toto's ZeroMQ frames for the worker wire format (see wire.ts): the connection's DEALER sends
// ['', id, payload], a REP worker sees [id, payload] and answers [id, reply] -- or [id] to
// acknowledge an @asynchronous method -- and the DEALER receives ['', id, ...]. A frame list from
// a peer that is anything else is a WireFormatError BAD_FRAMES; a bad list we are asked to build
// is the caller's TypeError.

import { WireFormatError } from './errors.js';
import { expected } from './validate.js';

/** Largest message id accepted, in bytes (Toto sent str(uuid4()): 36 ASCII bytes). */
export const MAX_MESSAGE_ID_BYTES = 255;

/** Builds the error to throw: a TypeError for our caller's mistakes, a WireFormatError for a peer's. */
type Fail = (message: string) => Error;

const typeError: Fail = (message) => new TypeError(message);
const badFrames: Fail = (message) => new WireFormatError('BAD_FRAMES', message);

/** What a REP worker receives: the message id and the invocation payload. */
export interface RepRequest {
  id: Uint8Array;
  payload: Uint8Array;
}

/** What the connection's DEALER receives: a reply, or Toto's bare acknowledgement of an @asynchronous method. */
export type DealerReply = { kind: 'reply'; id: Uint8Array; payload: Uint8Array } | { kind: 'ack'; id: Uint8Array };

const EMPTY = new Uint8Array(0);

/** ['', id, payload]: the empty delimiter first, as a REQ would send, so a REP sees [id, payload]. */
export function dealerRequestFrames(id: Uint8Array, payload: Uint8Array): Uint8Array[] {
  checkMessageId('dealer request', id, typeError);
  checkFrame('dealer request', 'payload', payload, typeError);
  return [EMPTY, id, payload];
}

/** [id, payload] as a REP socket delivers it (the delimiter already stripped). */
export function parseRepRequest(frames: unknown): RepRequest {
  const list = checkFrames('rep request', frames);
  if (list.length !== 2) {
    throw new WireFormatError('BAD_FRAMES', `rep request: expected 2 frames [id, payload], got ${list.length}`);
  }
  const [id, payload] = list as [Uint8Array, Uint8Array];
  checkMessageId('rep request', id, badFrames);
  return { id, payload };
}

/** [id, payload]: a REP worker's reply. */
export function repReplyFrames(id: Uint8Array, payload: Uint8Array): Uint8Array[] {
  checkMessageId('rep reply', id, typeError);
  checkFrame('rep reply', 'payload', payload, typeError);
  return [id, payload];
}

/** [id]: Toto's acknowledgement, sent before an @asynchronous method runs. */
export function repAckFrames(id: Uint8Array): Uint8Array[] {
  checkMessageId('rep ack', id, typeError);
  return [id];
}

/** ['', id, payload] (a reply) or ['', id] (an acknowledgement), as the DEALER receives them. */
export function parseDealerReply(frames: unknown): DealerReply {
  const list = checkFrames('dealer reply', frames);
  if (list.length !== 3 && list.length !== 2) {
    throw new WireFormatError(
      'BAD_FRAMES',
      `dealer reply: expected 3 frames ['', id, payload] (or 2 frames ['', id] for an acknowledgement), got ${list.length}`,
    );
  }
  const delimiter = list[0] as Uint8Array;
  if (delimiter.byteLength !== 0) {
    throw new WireFormatError(
      'BAD_FRAMES',
      `dealer reply: expected an empty delimiter frame first, got ${delimiter.byteLength} bytes`,
    );
  }
  const id = list[1] as Uint8Array;
  checkMessageId('dealer reply', id, badFrames);
  const payload = list[2];
  return payload === undefined ? { kind: 'ack', id } : { kind: 'reply', id, payload };
}

/**
 * A string form of a message id for map keys and logs: printable ASCII as is (Toto's ids are
 * uuid4 strings), anything else -- or anything starting "0x" -- as "0x" + hex, so distinct ids
 * never share a key.
 */
export function messageIdKey(id: Uint8Array): string {
  checkMessageId('messageIdKey', id, typeError);
  // One pass building the text (ids are short): every() with a closure and then a spread into
  // String.fromCharCode cost 8% of a connection's CPU per call at 256 in flight (bench rpc).
  let text = '';
  for (let i = 0; i < id.length; i++) {
    const byte = id[i] as number;
    if (byte < 0x21 || byte > 0x7e) return hexKey(id);
    text += String.fromCharCode(byte);
  }
  return text.startsWith('0x') ? hexKey(id) : text;
}

function hexKey(id: Uint8Array): string {
  return `0x${Array.from(id, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function checkFrames(what: string, frames: unknown): Uint8Array[] {
  if (!Array.isArray(frames)) throw new WireFormatError('BAD_FRAMES', expected(what, 'an array of frames', frames));
  // An indexed loop, not forEach: forEach skips the holes of a sparse array.
  for (let i = 0; i < frames.length; i++) checkFrame(what, `frame ${i}`, frames[i], badFrames);
  return frames as Uint8Array[];
}

function checkFrame(what: string, name: string, frame: unknown, fail: Fail): asserts frame is Uint8Array {
  if (!(frame instanceof Uint8Array)) throw fail(expected(`${what}: ${name}`, 'a Uint8Array', frame));
}

function checkMessageId(what: string, id: unknown, fail: Fail): asserts id is Uint8Array {
  checkFrame(what, 'message id', id, fail);
  if (id.byteLength === 0 || id.byteLength > MAX_MESSAGE_ID_BYTES) {
    throw fail(`${what}: message id: expected 1 to ${MAX_MESSAGE_ID_BYTES} bytes, got ${id.byteLength}`);
  }
}
