// Codec ports: how a payload becomes bytes on the wire and back. Toto pickled and
// zlib-compressed; we default to JSON (a Toto peer configured for JSON reads it, and decoding
// can never run code) and no compression. zlib and msgpack live in src/adapters.

import { WireFormatError, boundText } from './errors.js';
import { describe } from './validate.js';
import { encodeUtf8 } from './wire-utf8.js';

/** Bounds a decoder must honour (each defaults when absent); the wire passes its own (WireOptions). */
export interface DecodeLimits {
  /** Deepest nesting of arrays and objects accepted; the top-level value is depth 1. */
  maxDepth?: number;
  /**
   * Most arrays and objects (maps) in one payload. Each costs the decoder an object of ~50 bytes
   * for 1 byte of msgpack (0x90) or 2 of JSON: 16 MiB of empty msgpack arrays took 2.1 s and
   * 800 MB of memory to decode.
   */
  maxContainers?: number;
}

/** Default nesting bound: 256 (Python's json gives up near 1,000; no Toto payload nests past a dozen). */
export const MAX_DEPTH_DEFAULT = 256;

/** Default bound on arrays and objects in one payload: 1,000,000 (some 50 MB of decoded objects at most). */
export const MAX_CONTAINERS_DEFAULT = 1_000_000;

/** Turns values into bytes and back. `loads` must never execute anything from the payload. */
export interface Serialization {
  /** Short name used in configuration ("json", "msgpack"). */
  readonly name: string;
  /** Content type for HTTP bodies. */
  readonly mime: string;
  dumps(value: unknown): Uint8Array;
  /**
   * Decodes one value. Bytes from a peer may be anything: throw a WireFormatError with a code for
   * bad input, and stay bounded in time and memory (linear in the bytes, nesting <= limits.maxDepth,
   * at most limits.maxContainers arrays and objects).
   */
  loads(bytes: Uint8Array, limits?: DecodeLimits): unknown;
}

/** Shrinks bytes and restores them. `decompress` must bound its output. */
export interface Compression {
  /** Short name used in configuration ("none", "zlib"). */
  readonly name: string;
  compress(bytes: Uint8Array): Uint8Array;
  /** Must stop producing output past maxOutputBytes (a WireFormatError TOO_LARGE), not inflate first and check after. */
  decompress(bytes: Uint8Array, maxOutputBytes?: number): Uint8Array;
}

// fatal: a payload that is not UTF-8 is an error, not a string full of U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** JSON over UTF-8. NaN and Infinity become null and undefined properties vanish, as in JSON.stringify. */
export const jsonSerialization: Serialization = {
  name: 'json',
  mime: 'application/json',
  dumps(value: unknown): Uint8Array {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      // JSON.stringify's own messages ("Do not know how to serialize a BigInt", "Converting
      // circular structure to JSON ...") name the problem; we add which codec failed.
      throw new TypeError(`json: cannot encode value: ${(error as Error).message}`, { cause: error });
    }
    if (text === undefined) {
      throw new TypeError(`json: cannot encode ${describe(value)}: JSON has no representation for it`);
    }
    // Pooled: a fresh ArrayBuffer per payload was a tenth of a worker connection's CPU (wire-utf8.ts).
    return encodeUtf8(text);
  },
  loads(bytes: Uint8Array, limits?: DecodeLimits): unknown {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`json: cannot decode payload: expected a Uint8Array, got ${describe(bytes)}`);
    }
    // Checked on the bytes before JSON.parse: V8's parser is iterative and takes a 10^7-deep
    // array in 4 s, but every recursive walk of the result afterwards (String(), a structured
    // clone, our own code) overflows the stack near 4,000 levels.
    checkJsonShape(bytes, limits?.maxDepth ?? MAX_DEPTH_DEFAULT, limits?.maxContainers ?? MAX_CONTAINERS_DEFAULT);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new WireFormatError('BAD_ENCODING', 'json: cannot decode payload: not valid UTF-8');
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      // V8's SyntaxError already quotes only a few characters of the input; bound it anyway.
      throw new WireFormatError('MALFORMED', `json: cannot decode payload: ${boundText((error as Error).message)}`);
    }
  },
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Refuses JSON nested deeper than maxDepth or holding more than maxContainers arrays and
 * objects, scanning the bytes once (brackets inside strings do
 * not count; UTF-8 continuation bytes are >= 0x80 and never look like ASCII). Strings are skipped
 * with indexOf (native): 4.7 ms for a 1.4 MB payload against 24 ms byte by byte, JSON.parse
 * itself taking 20 ms. Skipped when the payload is too short to cross either bound (each
 * container takes at least 2 bytes).
 */
function checkJsonShape(bytes: Uint8Array, maxDepth: number, maxContainers: number): void {
  if (bytes.byteLength <= 2 * Math.min(maxDepth, maxContainers)) return;
  const length = bytes.byteLength;
  let depth = 0;
  let containers = 0;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = closingQuote(bytes, i);
      if (i < 0) return; // an unterminated string: JSON.parse says so
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) {
        throw new WireFormatError('TOO_DEEP', `json: cannot decode payload: nested deeper than maxDepth (${maxDepth})`);
      }
      if (++containers > maxContainers) {
        throw new WireFormatError('TOO_LARGE', `json: cannot decode payload: more than maxContainers (${maxContainers}) arrays and objects`);
      }
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
}

/** Index of the quote closing the string opened at `open` (one preceded by an even run of backslashes), or -1. */
function closingQuote(bytes: Uint8Array, open: number): number {
  let from = open + 1;
  for (;;) {
    const at = bytes.indexOf(QUOTE, from);
    if (at < 0) return -1;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    from = at + 1;
  }
}

/** The identity compression. */
export const noCompression: Compression = {
  name: 'none',
  compress: (bytes: Uint8Array): Uint8Array => bytes,
  // Nothing to inflate: the wire checks the payload's own size.
  decompress: (bytes: Uint8Array): Uint8Array => bytes,
};
