// Toto's worker wire format, as pure functions shared by the worker, the router and the
// worker connections. An invocation payload is compress(dumps({method, parameters})); a reply
// is compress(dumps(result)) or, on failure, compress(dumps({error: {code, value}})).
// Over ZeroMQ the payload travels in Toto's frames (wire-frames.ts, re-exported here).
// Over HTTP the body is the same compressed payload, POSTed with Content-Type: serialization mime
// and no Content-Encoding (Toto sent none), and the reply body is serialized but not compressed
// (Toto's HTTP connection read it with loads(body), no decompress).
// Unlike Toto, decoding is safe against any peer: bounded in size (maxPayloadBytes, checked while
// inflating, not after), in nesting (maxDepth), in decoded objects (maxContainers) and so in time
// and memory, and every malformed input is a WireFormatError with a code (see WIRE_FORMAT_CODES)
// and a message that repeats at most MESSAGE_ECHO_CHARS of the input.

import { MAX_CONTAINERS_DEFAULT, MAX_DEPTH_DEFAULT, noCompression, type Compression, type DecodeLimits, type Serialization } from './codec.js';
import { TotoError, WireFormatError, boundText } from './errors.js';
import { checkInteger, checkOptions, describe, expected } from './validate.js';

export { WIRE_FORMAT_CODES, WireFormatError, type WireFormatCode } from './errors.js';
export {
  MAX_MESSAGE_ID_BYTES,
  dealerRequestFrames,
  messageIdKey,
  parseDealerReply,
  parseRepRequest,
  repAckFrames,
  repReplyFrames,
  type DealerReply,
  type RepRequest,
} from './wire-frames.js';

/** The codecs one side of a worker link uses; structurally the same as src/adapters' Codecs. */
export interface WireCodecs {
  serialization: Serialization;
  compression: Compression;
}

/** What a connection asks a worker to run. */
export interface Invocation {
  method: string;
  parameters: unknown;
}

/** A decoded reply: the method's value, or the error the worker sent as `{error: {code, value}}`. */
export type Reply = { ok: true; value: unknown } | { ok: false; error: TotoError };

export interface WireOptions {
  /** Largest payload accepted, compressed and decompressed, in bytes. Default 16 MiB. */
  maxPayloadBytes?: number;
  /** Deepest nesting of arrays and objects accepted in a payload. Default 256 (MAX_DEPTH_DEFAULT). */
  maxDepth?: number;
  /** Most arrays and objects accepted in a payload. Default 1,000,000 (MAX_CONTAINERS_DEFAULT). */
  maxContainers?: number;
}

/** Default bound on one payload: 16 MiB. Toto had none. */
export const MAX_PAYLOAD_BYTES_DEFAULT = 16 * 1024 * 1024;

const METHOD_NAME = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/** The last name that passed: a client calls one method over and over, so the regex runs once for it. */
let lastMethodName = '';

/** True for a method name Toto can route: dot-separated segments of [A-Za-z0-9_]. */
export function isMethodName(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (value === lastMethodName && value !== '') return true;
  if (!METHOD_NAME.test(value)) return false;
  lastMethodName = value;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Payloads

/** compress(dumps({method, parameters})). Undefined parameters become {} (Toto's default). */
export function encodeInvocation(invocation: Invocation, codecs: WireCodecs, options?: WireOptions): Uint8Array {
  const { max } = limitsOf(options);
  if (invocation === null || typeof invocation !== 'object') {
    throw new TypeError(expected('invocation', 'an object {method, parameters}', invocation));
  }
  checkMethod(invocation.method, (message) => new TypeError(message));
  const parameters = invocation.parameters === undefined ? {} : invocation.parameters;
  return encode('invocation', { method: invocation.method, parameters }, codecs, max);
}

/** Reads an invocation payload, checking its size, its codecs and its shape. */
export function decodeInvocation(payload: Uint8Array, codecs: WireCodecs, options?: WireOptions): Invocation {
  const value = decode('invocation', payload, codecs, limitsOf(options));
  if (!isPlainObject(value)) {
    throw new WireFormatError('BAD_SHAPE', expected('invocation', 'an object {method, parameters}', value));
  }
  checkMethod(value.method, (message) => new WireFormatError('BAD_SHAPE', message));
  if (!Object.hasOwn(value, 'parameters')) {
    throw new WireFormatError('BAD_SHAPE', 'invocation.parameters: missing (Toto always sends it; {} for none)');
  }
  return { method: value.method, parameters: value.parameters };
}

/**
 * compress(dumps(result)). An Error (TotoError or not) is sent as `{error: {code, value}}` by
 * Toto's rule (TotoError.from); undefined is sent as null, as a Python method returning None.
 */
export function encodeReply(result: unknown, codecs: WireCodecs, options?: WireOptions): Uint8Array {
  if (result instanceof Error) return encodeErrorReply(result, codecs, options);
  return encode('reply', result === undefined ? null : result, codecs, limitsOf(options).max);
}

/** compress(dumps({error: {code, value}})) for anything thrown: a TotoError keeps its code, the rest become SERVER (1000). */
export function encodeErrorReply(error: unknown, codecs: WireCodecs, options?: WireOptions): Uint8Array {
  return encode('reply', { error: TotoError.from(error).toJSON() }, codecs, limitsOf(options).max);
}

/**
 * Reads a reply payload. An object whose only key is `error` is an error reply (a malformed one
 * becomes a SERVER error describing it, via TotoError.fromJSON, which never throws); anything
 * else is the value.
 */
export function decodeReply(payload: Uint8Array, codecs: WireCodecs, options?: WireOptions): Reply {
  const value = decode('reply', payload, codecs, limitsOf(options));
  // Object.keys only for a candidate: listing the keys of every reply value cost more than its test.
  if (isPlainObject(value) && Object.hasOwn(value, 'error')) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'error') return { ok: false, error: TotoError.fromJSON(value.error) };
  }
  return { ok: true, value };
}

function encode(what: string, value: unknown, codecs: WireCodecs, max: number): Uint8Array {
  checkCodecs(codecs);
  const { serialization, compression } = codecs;
  let bytes: Uint8Array;
  try {
    bytes = serialization.dumps(value);
  } catch (error) {
    throw new WireFormatError('UNENCODABLE', codecFailure(what, serialization.name, 'encode value', error), { cause: error });
  }
  let payload: Uint8Array;
  try {
    payload = compression.compress(bytes);
  } catch (error) {
    throw new WireFormatError('UNENCODABLE', codecFailure(what, compression.name, 'compress payload', error), { cause: error });
  }
  if (payload.byteLength > max) {
    throw new WireFormatError('UNENCODABLE', `${what}: encoded payload of ${payload.byteLength} bytes exceeds maxPayloadBytes (${max})`);
  }
  return payload;
}

function decode(what: string, payload: unknown, codecs: WireCodecs, limits: Limits): unknown {
  checkCodecs(codecs);
  const { max, maxDepth, maxContainers } = limits;
  if (!(payload instanceof Uint8Array)) {
    throw new WireFormatError('MALFORMED', expected(`${what} payload`, 'a Uint8Array', payload));
  }
  if (payload.byteLength > max) {
    throw new WireFormatError('TOO_LARGE', `${what}: payload of ${payload.byteLength} bytes exceeds maxPayloadBytes (${max})`);
  }
  const { serialization, compression } = codecs;
  let bytes: Uint8Array;
  try {
    // The bound goes to the codec so it stops inflating there; checked again below for a custom
    // codec that ignores it.
    bytes = compression.decompress(payload, max);
  } catch (error) {
    throw decodeFailure(what, compression.name, 'decompress payload', error, max);
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new WireFormatError('MALFORMED', expected(`${what}: ${compression.name}: decompressed payload`, 'a Uint8Array', bytes));
  }
  if (bytes.byteLength > max) {
    throw new WireFormatError(
      'TOO_LARGE',
      `${what}: decompressed payload of ${bytes.byteLength} bytes exceeds maxPayloadBytes (${max})`,
    );
  }
  const decodeLimits: DecodeLimits = limits === DEFAULT_LIMITS ? DEFAULT_DECODE_LIMITS : { maxDepth, maxContainers };
  try {
    return serialization.loads(bytes, decodeLimits);
  } catch (error) {
    throw decodeFailure(what, serialization.name, 'decode payload', error, max);
  }
}

/**
 * A codec's failure as a WireFormatError: ours throw WireFormatErrors with a code already (kept);
 * anything else a custom codec throws is MALFORMED, or TOO_LARGE when the engine ran out of room.
 * An engine error's words ("Cannot read properties of undefined", "Maximum call stack size
 * exceeded") describe the codec's bug, not the input: they stay in `cause`, out of the message.
 */
function decodeFailure(what: string, codec: string, action: string, error: unknown, max: number): WireFormatError {
  if (error instanceof WireFormatError) {
    return new WireFormatError(error.code, codecFailure(what, codec, action, error), { cause: error });
  }
  if (error instanceof RangeError) {
    // "Maximum call stack size exceeded", "Invalid array length": the input was too big or too
    // deep for the engine; the engine's words mean nothing to the peer.
    return new WireFormatError('TOO_LARGE', `${what}: ${codec}: cannot ${action}: input too large or too deep for the decoder (maxPayloadBytes ${max})`, { cause: error });
  }
  if (error instanceof TypeError || error instanceof ReferenceError) {
    return new WireFormatError('MALFORMED', `${what}: ${codec}: cannot ${action}: the codec failed (${error.name}, see cause)`, { cause: error });
  }
  return new WireFormatError('MALFORMED', codecFailure(what, codec, action, error), { cause: error });
}

/** "<what>: <codec>: ..." -- our codecs' messages already start with their name; a custom codec's may not. */
function codecFailure(what: string, codec: string, action: string, error: unknown): string {
  const message = boundText(messageOf(error));
  return message.startsWith(`${codec}: `) ? `${what}: ${message}` : `${what}: ${codec}: cannot ${action}: ${message}`;
}

/** Builds the error to throw: a TypeError for our caller's mistakes, a WireFormatError for a peer's. */
type Fail = (message: string) => Error;

function checkMethod(method: unknown, fail: Fail): asserts method is string {
  if (!isMethodName(method)) {
    throw fail(expected('invocation.method', 'a dotted method name like "a.b.c"', method));
  }
}

/**
 * The codecs last found good, and the two parts they held then: a connection or a worker passes
 * the same object on every call, and checking it each time was 1-2% of a call's CPU (bench rpc).
 * A part swapped since is checked again.
 */
let checkedCodecs: WireCodecs | undefined;
let checkedSerialization: unknown;
let checkedCompression: unknown;

function checkCodecs(codecs: unknown): asserts codecs is WireCodecs {
  const last = checkedCodecs;
  if (last !== undefined && codecs === last && last.serialization === checkedSerialization && last.compression === checkedCompression) return;
  const ok =
    isPlainObject(codecs) &&
    isPlainObject(codecs.serialization) &&
    isPlainObject(codecs.compression) &&
    typeof codecs.serialization.dumps === 'function' &&
    typeof codecs.serialization.loads === 'function' &&
    typeof codecs.compression.compress === 'function' &&
    typeof codecs.compression.decompress === 'function';
  if (!ok) throw new TypeError(expected('codecs', 'an object {serialization, compression} (see createCodecs)', codecs));
  checkedCodecs = codecs as unknown as WireCodecs;
  checkedSerialization = checkedCodecs.serialization;
  checkedCompression = checkedCodecs.compression;
}

interface Limits {
  max: number;
  maxDepth: number;
  maxContainers: number;
}

/** The defaults, shared: most callers pass no options, and resolving them per payload showed in profiles. */
const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({ max: MAX_PAYLOAD_BYTES_DEFAULT, maxDepth: MAX_DEPTH_DEFAULT, maxContainers: MAX_CONTAINERS_DEFAULT });

const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({ maxDepth: MAX_DEPTH_DEFAULT, maxContainers: MAX_CONTAINERS_DEFAULT });

function limitsOf(options: WireOptions | undefined): Limits {
  if (options === undefined) return DEFAULT_LIMITS;
  checkOptions('wire options', options, ['maxPayloadBytes', 'maxDepth', 'maxContainers']);
  const max = options?.maxPayloadBytes ?? MAX_PAYLOAD_BYTES_DEFAULT;
  const maxDepth = options?.maxDepth ?? MAX_DEPTH_DEFAULT;
  const maxContainers = options?.maxContainers ?? MAX_CONTAINERS_DEFAULT;
  checkInteger('maxPayloadBytes', max, 1);
  checkInteger('maxDepth', maxDepth, 1);
  checkInteger('maxContainers', maxContainers, 1);
  return { max, maxDepth, maxContainers };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/**
 * Headers for a worker request: Toto's HTTP connection sent only Content-Type: serialization mime.
 * The body is compressed when the codecs compress, with no Content-Encoding, exactly as Toto did.
 */
export function httpRequestHeaders(codecs: WireCodecs): Record<string, string> {
  checkCodecs(codecs);
  return { 'content-type': codecs.serialization.mime };
}

/** The codecs for an HTTP reply body: Toto's HTTP connection read it with loads(body), never decompressing. */
export function httpReplyCodecs(codecs: WireCodecs): WireCodecs {
  checkCodecs(codecs);
  return { serialization: codecs.serialization, compression: noCompression };
}

/** The serialization whose mime matches a Content-Type header (case and parameters such as charset ignored). */
export function serializationForContentType(header: unknown, available: readonly Serialization[]): Serialization {
  if (typeof header === 'string' && header !== '') {
    // A header that is exactly a mime (what every client of ours sends) is found without
    // splitting or lower-casing: the general path, with the error text built up front, was a
    // visible part of an HTTP worker's CPU per request (bench rpc).
    for (const serialization of available) if (serialization.mime === header) return serialization;
    const type = (header.split(';')[0] ?? '').trim().toLowerCase();
    if (type !== '') for (const serialization of available) if (serialization.mime.toLowerCase() === type) return serialization;
  }
  const mimes = available.length === 0 ? '(none)' : available.map((s) => JSON.stringify(s.mime)).join(', ');
  throw new WireFormatError('UNSUPPORTED_TYPE', expected('content-type', `one of ${mimes}`, header));
}

// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : describe(error);
}
