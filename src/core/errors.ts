// Errors a caller of the RPC/event API sees. TotoError keeps Toto's codes and JSON form
// ({code, value}) so a Toto peer reads our errors and we read its.

/**
 * Toto's error codes, plus TIMEOUT (Toto's -1 "Timeout"), NO_CONNECTIONS, the HTTP transport's
 * failures, and how a call ends unanswered (ABORTED, CLOSED): the same codes in both worlds, so a
 * retry policy reads them alike.
 */
export const ErrorCode = {
  TIMEOUT: -1,
  NO_CONNECTIONS: -2,
  /** Nothing listens at the address (ECONNREFUSED). */
  CONNECTION_REFUSED: -3,
  /** The peer closed or reset the connection before the response was complete (ECONNRESET). */
  CONNECTION_RESET: -4,
  /** A response body was larger than the client's maxBodyBytes. */
  BODY_TOO_LARGE: -5,
  /** The caller gave up on a call (its AbortSignal fired, or cancel()). */
  ABORTED: -6,
  /** The call table (a connection) closed while the call was in flight. */
  CLOSED: -7,
  SERVER: 1000,
  INVALID_METHOD: 1001,
  MISSING_METHOD: 1002,
  MISSING_PARAMS: 1003,
  NOT_AUTHORIZED: 1004,
  USER_NOT_FOUND: 1005,
  USER_ID_EXISTS: 1006,
  INVALID_SESSION_ID: 1007,
  INVALID_HMAC: 1008,
  INVALID_RESPONSE_HMAC: 1009,
  INVALID_USER_ID: 1010,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const nameOfCode = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** The wire form of an error, as in Toto's `{error: {code, value}}` replies. */
export interface TotoErrorJson {
  code: number;
  value: string;
}

export class TotoError extends Error {
  constructor(
    readonly code: number,
    readonly value: string,
  ) {
    super(`${value} (${nameOfCode.get(code) ?? 'code'} ${code})`);
    this.name = 'TotoError';
  }

  /** The symbolic name of the code, if it is one of Toto's. */
  get codeName(): ErrorCodeName | undefined {
    return nameOfCode.get(this.code);
  }

  toJSON(): TotoErrorJson {
    return { code: this.code, value: this.value };
  }

  /**
   * Rebuilds an error from its wire form; anything malformed becomes a SERVER error describing it.
   * Total and bounded for any decoded value: it never throws, never walks deeper than a few levels
   * and never repeats more than MESSAGE_ECHO_CHARS of what the peer sent (a decoded value may be
   * 4,000 arrays deep, a 4 MiB BigInt, or an object whose toString is not a function).
   */
  static fromJSON(json: unknown): TotoError {
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const code = ownValue(json, 'code');
      const value = ownValue(json, 'value');
      if (typeof code === 'number' && Number.isSafeInteger(code)) {
        return new TotoError(code, typeof value === 'string' ? value : value == null ? '' : preview(value));
      }
    }
    return new TotoError(ErrorCode.SERVER, `malformed error: ${preview(json)}`);
  }

  /** Toto's rule: a TotoError keeps its code; anything else becomes SERVER with its message. */
  static from(error: unknown): TotoError {
    if (error instanceof TotoError) return error;
    if (error instanceof Error) return new TotoError(ErrorCode.SERVER, error.message);
    return new TotoError(ErrorCode.SERVER, String(error));
  }
}

/** A deadline passed (runSync, a call, an HTTP request). */
export class TimeoutError extends TotoError {
  constructor(message = 'Timeout') {
    super(ErrorCode.TIMEOUT, message);
    this.name = 'TimeoutError';
  }
}

/** An own data property, never a getter or an inherited one (a decoded object may carry "__proto__"). */
function ownValue(object: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Decoding failures

/**
 * Why a payload or a frame list from the wire was refused. A small, stable set, so a caller can
 * count, log and answer them without parsing messages:
 * - TOO_LARGE: a payload, a decompressed payload or a declared length over the limit;
 * - TOO_DEEP: arrays/objects nested deeper than maxDepth;
 * - MALFORMED: not valid for the codec (JSON syntax, truncated msgpack or zlib data, trailing bytes, the reserved byte 0xc1);
 * - BAD_ENCODING: text that is not valid UTF-8;
 * - UNSUPPORTED_TYPE: valid for some peer but not plain JSON/msgpack (msgpack extension types, maps with array keys, an unknown content type);
 * - BAD_SHAPE: a valid value that is not the wire format (no method, a bad method name, parameters missing);
 * - BAD_FRAMES: a ZeroMQ message with the wrong frame count, delimiter or message id;
 * - UNENCODABLE: a value we were asked to send that the codec cannot encode, or an encoding over maxPayloadBytes.
 */
export const WIRE_FORMAT_CODES = [
  'TOO_LARGE',
  'TOO_DEEP',
  'MALFORMED',
  'BAD_ENCODING',
  'UNSUPPORTED_TYPE',
  'BAD_SHAPE',
  'BAD_FRAMES',
  'UNENCODABLE',
] as const;

export type WireFormatCode = (typeof WIRE_FORMAT_CODES)[number];

/** Input from the wire (or for it) that does not follow the format. A worker answers it as a SERVER error, as Toto did. */
export class WireFormatError extends Error {
  readonly code: WireFormatCode;
  constructor(code: WireFormatCode, message: string, options?: { cause?: unknown }) {
    super(boundText(message, MESSAGE_MAX_CHARS), options);
    this.name = 'WireFormatError';
    this.code = code;
  }
}

/** How much of a peer's input one error message repeats. */
export const MESSAGE_ECHO_CHARS = 200;

/** Longest WireFormatError message: its own words plus one bounded echo. */
const MESSAGE_MAX_CHARS = 4 * MESSAGE_ECHO_CHARS;

/** The text itself when short, else its first `max` characters, an ellipsis and the total size. */
export function boundText(text: string, max = MESSAGE_ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}... (${text.length} characters)`;
}

/**
 * A short JSON-like rendering of any decoded value for a message: at most MESSAGE_ECHO_CHARS
 * characters, 8 levels and 32 items per level, so its cost does not grow with the input. It
 * calls nothing on the value (no toString, no toJSON, no getters): a peer chooses every key.
 */
export function preview(value: unknown): string {
  const parts: string[] = [];
  const budget = { chars: MESSAGE_ECHO_CHARS };
  render(value, 0, parts, budget);
  const text = parts.join('');
  return budget.chars < 0 ? `${text.slice(0, MESSAGE_ECHO_CHARS)}...` : text;
}

const PREVIEW_DEPTH = 8;
const PREVIEW_ITEMS = 32;
/** A BigInt wider than this is shown by its size: its decimal form costs quadratic time. */
const PREVIEW_BIGINT_BITS = 256;

function render(value: unknown, depth: number, parts: string[], budget: { chars: number }): void {
  const put = (text: string): void => {
    budget.chars -= text.length;
    parts.push(text);
  };
  if (budget.chars < 0) return;
  switch (typeof value) {
    case 'string':
      put(JSON.stringify(value.length > MESSAGE_ECHO_CHARS ? value.slice(0, MESSAGE_ECHO_CHARS) : value));
      return;
    case 'number':
    case 'boolean':
      put(String(value));
      return;
    case 'undefined':
      put('undefined');
      return;
    case 'bigint': {
      const bits = bitLength(value);
      put(bits > PREVIEW_BIGINT_BITS ? `<bigint of ${bits} bits>` : `${value}n`);
      return;
    }
    case 'object':
      break;
    default:
      put(`<${typeof value}>`);
      return;
  }
  if (value === null) return put('null');
  if (value instanceof Uint8Array) return put(`<${value.byteLength} bytes>`);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !Array.isArray(value)) {
    // A msgpack timestamp (Date), a Map...: named, not walked (decoded data has no symbol keys,
    // so the tag is the class's own).
    return put(`<${Object.prototype.toString.call(value).slice(8, -1)}>`);
  }
  if (depth >= PREVIEW_DEPTH) return put(Array.isArray(value) ? '[...]' : '{...}');
  const isArray = Array.isArray(value);
  const keys = isArray ? [] : Object.keys(value);
  const count = isArray ? value.length : keys.length;
  put(isArray ? '[' : '{');
  for (let i = 0; i < Math.min(count, PREVIEW_ITEMS) && budget.chars >= 0; i++) {
    if (i > 0) put(',');
    if (isArray) {
      render(value[i], depth + 1, parts, budget);
    } else {
      const key = keys[i] as string;
      put(`${JSON.stringify(key.length > MESSAGE_ECHO_CHARS ? key.slice(0, MESSAGE_ECHO_CHARS) : key)}:`);
      render(ownValue(value, key), depth + 1, parts, budget);
    }
  }
  if (count > PREVIEW_ITEMS) put(`,... (${count} items)`);
  put(isArray ? ']' : '}');
}

/** Bits of a BigInt's magnitude, in linear time (toString(16) is linear; the decimal form is not). */
function bitLength(value: bigint): number {
  const hex = (value < 0n ? -value : value).toString(16);
  return hex === '0' ? 0 : (hex.length - 1) * 4 + parseInt(hex[0] as string, 16).toString(2).length;
}
