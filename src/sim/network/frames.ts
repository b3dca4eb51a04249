// Frame helpers: turning what `send` accepts into frames, identity keys, and the prefix
// matching of PUB/SUB subscriptions.

import type { Message, Sendable } from '../../core/transport.js';
import { describe } from '../../core/validate.js';

const encoder = new TextEncoder();
export const EMPTY_FRAME = new Uint8Array(0);

/** A message as frames. An array of frames is used as is, not copied: do not mutate it after send. */
export function toMessage(op: string, value: Sendable): Message {
  if (typeof value === 'string') return [encoder.encode(value)];
  if (value instanceof Uint8Array) return [value];
  if (!Array.isArray(value)) throw new TypeError(`${op}: expected a string, a Uint8Array or an array of them, got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${op}: expected at least one frame, got an empty array`);
  let allFrames = true;
  for (let i = 0; i < value.length; i++) {
    if (!(value[i] instanceof Uint8Array)) {
      allFrames = false;
      break;
    }
  }
  if (allFrames) return value as Message;
  return value.map((frame, i) => toFrame(`${op}: frame ${i}`, frame));
}

export function toFrame(name: string, value: unknown): Uint8Array {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`${name}: expected a string or a Uint8Array, got ${describe(value)}`);
}

/** A Map key for identity bytes. */
export function bytesKey(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i] as number);
  return key;
}

export function startsWith(frame: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > frame.length) return false;
  for (let i = 0; i < prefix.length; i++) if (frame[i] !== prefix[i]) return false;
  return true;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && startsWith(a, b);
}

/** True if `frame` starts with one of `prefixes`. */
export function matchesAny(prefixes: readonly Uint8Array[], frame: Uint8Array | undefined): boolean {
  const f = frame ?? EMPTY_FRAME;
  for (let i = 0; i < prefixes.length; i++) if (startsWith(f, prefixes[i] as Uint8Array)) return true;
  return false;
}

/** The frame a SUB sends to its publishers: 1 (subscribe) or 0 (unsubscribe), then the prefix. */
export function subscriptionFrame(subscribe: boolean, prefix: Uint8Array): Uint8Array {
  const frame = new Uint8Array(prefix.length + 1);
  frame[0] = subscribe ? 1 : 0;
  frame.set(prefix, 1);
  return frame;
}
