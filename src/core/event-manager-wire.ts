// Toto's event frame: one ZeroMQ frame holding compress(dumps({name, args})). Toto pickled and
// zlib-compressed it; the codecs are pluggable here and default to JSON without compression, so
// a Toto peer configured for JSON (and zlib, when both sides pass it) reads our events and we
// read its. Decoding is bounded as the worker wire is (wire.ts): in size while inflating, in
// nesting and in decoded objects, and every malformed frame is a WireFormatError with a code.

import { MAX_CONTAINERS_DEFAULT, MAX_DEPTH_DEFAULT } from './codec.js';
import { WireFormatError, boundText } from './errors.js';
import { describe, expected } from './validate.js';
import { MAX_PAYLOAD_BYTES_DEFAULT, type WireCodecs, type WireOptions } from './wire.js';

/** An event as it travels: Toto's `{name, args}`. */
export interface EventMessage {
  name: string;
  args: unknown;
}

/** The checked limits of one event channel (WireOptions with every default filled in). */
export interface EventLimits {
  maxPayloadBytes: number;
  maxDepth: number;
  maxContainers: number;
}

export function eventLimits(options: WireOptions | undefined): EventLimits {
  return {
    maxPayloadBytes: options?.maxPayloadBytes ?? MAX_PAYLOAD_BYTES_DEFAULT,
    maxDepth: options?.maxDepth ?? MAX_DEPTH_DEFAULT,
    maxContainers: options?.maxContainers ?? MAX_CONTAINERS_DEFAULT,
  };
}

/**
 * compress(dumps({name, args})). Undefined args travel as null (Python's None: JSON has no
 * undefined). Throws a WireFormatError UNENCODABLE naming the event when the codecs refuse the
 * args or the frame is over maxPayloadBytes: the caller's mistake, reported before anything is queued.
 */
export function encodeEvent(name: string, args: unknown, codecs: WireCodecs, limits: EventLimits): Uint8Array {
  const { serialization, compression } = codecs;
  let bytes: Uint8Array;
  try {
    bytes = serialization.dumps({ name, args: args === undefined ? null : args });
  } catch (error) {
    throw new WireFormatError('UNENCODABLE', `event ${JSON.stringify(name)}: ${codecMessage(serialization.name, 'encode args', error)}`, { cause: error });
  }
  let frame: Uint8Array;
  try {
    frame = compression.compress(bytes);
  } catch (error) {
    throw new WireFormatError('UNENCODABLE', `event ${JSON.stringify(name)}: ${codecMessage(compression.name, 'compress frame', error)}`, { cause: error });
  }
  if (frame.byteLength > limits.maxPayloadBytes) {
    throw new WireFormatError('UNENCODABLE', `event ${JSON.stringify(name)}: encoded frame of ${frame.byteLength} bytes exceeds maxPayloadBytes (${limits.maxPayloadBytes})`);
  }
  return frame;
}

/** Reads one received message (it must be one frame) as an event; a WireFormatError says what is wrong. */
export function decodeEvent(message: readonly Uint8Array[], codecs: WireCodecs, limits: EventLimits): EventMessage {
  if (message.length !== 1) {
    throw new WireFormatError('BAD_FRAMES', `event: expected 1 frame (Toto's compressed {name, args}), got ${message.length}`);
  }
  const frame = message[0] as Uint8Array;
  const max = limits.maxPayloadBytes;
  if (frame.byteLength > max) throw new WireFormatError('TOO_LARGE', `event: frame of ${frame.byteLength} bytes exceeds maxPayloadBytes (${max})`);
  const { serialization, compression } = codecs;
  let bytes: Uint8Array;
  try {
    bytes = compression.decompress(frame, max);
  } catch (error) {
    throw decodeFailure(compression.name, 'decompress frame', error);
  }
  if (!(bytes instanceof Uint8Array)) throw new WireFormatError('MALFORMED', expected(`event: ${compression.name}: decompressed frame`, 'a Uint8Array', bytes));
  if (bytes.byteLength > max) throw new WireFormatError('TOO_LARGE', `event: decompressed frame of ${bytes.byteLength} bytes exceeds maxPayloadBytes (${max})`);
  let value: unknown;
  try {
    value = serialization.loads(bytes, { maxDepth: limits.maxDepth, maxContainers: limits.maxContainers });
  } catch (error) {
    throw decodeFailure(serialization.name, 'decode frame', error);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WireFormatError('BAD_SHAPE', expected('event', 'an object {name, args}', value));
  }
  const { name, args } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0) throw new WireFormatError('BAD_SHAPE', expected('event.name', 'a non-empty string', name));
  // A peer that left args out (JSON drops undefined) sent None.
  return { name, args: args === undefined ? null : args };
}

function decodeFailure(codec: string, action: string, error: unknown): WireFormatError {
  if (error instanceof WireFormatError) return new WireFormatError(error.code, `event: ${codecMessage(codec, action, error)}`, { cause: error });
  // An engine error (stack overflow, "Cannot read properties") describes a codec's bug, not the input.
  const code = error instanceof RangeError ? 'TOO_LARGE' : 'MALFORMED';
  const reason = error instanceof RangeError || error instanceof TypeError ? `the codec failed (${error.name}, see cause)` : boundText(messageOf(error));
  return new WireFormatError(code, `event: ${codec}: cannot ${action}: ${reason}`, { cause: error });
}

function codecMessage(codec: string, action: string, error: unknown): string {
  const message = boundText(messageOf(error));
  return message.startsWith(`${codec}: `) ? message : `${codec}: cannot ${action}: ${message}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : describe(error);
}
