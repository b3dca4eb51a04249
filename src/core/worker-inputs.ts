// What the worker dispatcher reads from untrusted hands -- call ids, frames, anything a method
// throws -- turned into what it can use without ever throwing itself: a hostile value (a Proxy
// that throws on every access, a getter that throws) is one more malformed input.

import { ErrorCode, TotoError } from './errors.js';
import { describe, expected } from './validate.js';
import { MAX_MESSAGE_ID_BYTES, messageIdKey } from './wire.js';

/** An error message repeats at most this much of what it quotes: a peer must not make us echo megabytes. */
export const ERROR_VALUE_CHARS_MAX = 1024;

const textEncoder = new TextEncoder();

/** Toto's rule (a TotoError keeps its code and value, the rest become SERVER), with a bounded message. */
export function toTotoError(thrown: unknown): TotoError {
  if (isTotoError(thrown)) return thrown;
  return foreignTotoError(thrown) ?? new TotoError(ErrorCode.SERVER, bound(messageOf(thrown)));
}

/** instanceof, except that a thrown Proxy whose getPrototypeOf throws is simply not one. */
export function isTotoError(value: unknown): value is TotoError {
  try {
    return value instanceof TotoError;
  } catch {
    return false;
  }
}

/** A TotoError, from this copy of errors.ts or another: a deliberate application error, not a crash. */
export function isTotoErrorLike(value: unknown): boolean {
  return isTotoError(value) || foreignTotoError(value) !== undefined;
}

/**
 * A TotoError made by another copy of errors.ts (a method module importing the package from
 * dist while the worker runs from src, or two installed versions): instanceof fails, but its
 * name, integer code and string value say what it is, and its code must be kept.
 */
function foreignTotoError(value: unknown): TotoError | undefined {
  try {
    if (!(value instanceof Error) || value.name !== 'TotoError') return undefined;
    const { code, value: text } = value as unknown as Record<string, unknown>;
    return typeof code === 'number' && Number.isInteger(code) && typeof text === 'string' ? new TotoError(code, text) : undefined;
  } catch {
    return undefined;
  }
}

/** The id of a malformed REP request, when its first frame is one, so the caller can still match the error. */
export function recoverId(frames: unknown): Uint8Array | undefined {
  try {
    if (!Array.isArray(frames) || frames.length === 0) return undefined;
    const first: unknown = frames[0];
    return first instanceof Uint8Array && first.byteLength >= 1 && first.byteLength <= MAX_MESSAGE_ID_BYTES ? first : undefined;
  } catch {
    // A hostile array (a Proxy that throws on access) carries no id we can trust.
    return undefined;
  }
}

/** A call id as bytes and map key, or a string saying why it is unusable. */
export function readCallId(id: unknown): { bytes: Uint8Array; key: string } | undefined | string {
  if (id === undefined) return undefined;
  const bytes = typeof id === 'string' ? textEncoder.encode(id) : id;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0 || bytes.byteLength > MAX_MESSAGE_ID_BYTES) {
    return expected('call id', `a string or Uint8Array of 1 to ${MAX_MESSAGE_ID_BYTES} bytes`, id);
  }
  return { bytes, key: messageIdKey(bytes) };
}

/** A WireFormatError's code (what kind of malformed), read without importing its class (it is moving to errors.ts). */
export function wireCodeOf(reason: unknown): string | undefined {
  try {
    if (!(reason instanceof Error)) return undefined;
    const code: unknown = (reason as unknown as Record<string, unknown>).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** What a thrown value says; a hostile one (a throwing getter, a Proxy) must not make dispatch throw. */
export function messageOf(value: unknown): string {
  try {
    if (value instanceof Error) return String(value.message);
    if (typeof value === 'string') return value;
    return describe(value);
  } catch {
    return 'an exception that cannot be described';
  }
}

/** An error message repeats at most ERROR_VALUE_CHARS_MAX of what it quotes. */
export function bound(text: string): string {
  return text.length <= ERROR_VALUE_CHARS_MAX ? text : `${text.slice(0, ERROR_VALUE_CHARS_MAX)}... (${text.length} chars)`;
}
