// What `send` accepts (Sendable), checked and handed to zeromq.js as is: zeromq.js takes
// strings, Uint8Arrays and arrays of them itself, so the adapter copies nothing. It also takes
// numbers and null, which Sendable does not: those are refused here with the simulation's words.

import type { Sendable } from '../core/transport.js';
import { describe } from '../core/validate.js';

/** A frame zeromq.js accepts as it is. */
export type ZmqFrame = string | Uint8Array;

/** Checks `value` is a Sendable; returns it unchanged for zeromq.js. */
export function checkSendable(op: string, value: Sendable): ZmqFrame | ZmqFrame[] {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  if (!Array.isArray(value)) throw new TypeError(`${op}: expected a string, a Uint8Array or an array of them, got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${op}: expected at least one frame, got an empty array`);
  for (let i = 0; i < value.length; i++) {
    const frame: unknown = value[i];
    if (typeof frame !== 'string' && !(frame instanceof Uint8Array)) {
      throw new TypeError(`${op}: frame ${i}: expected a string or a Uint8Array, got ${describe(frame)}`);
    }
  }
  return value;
}

/** A subscription prefix as zeromq.js takes it (a string, or a Buffer view of the bytes). */
export function toPrefix(op: string, prefix: unknown): string | Buffer {
  if (typeof prefix === 'string') return prefix;
  if (prefix instanceof Uint8Array) return Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  throw new TypeError(`${op}: prefix: expected a string or a Uint8Array, got ${describe(prefix)}`);
}
