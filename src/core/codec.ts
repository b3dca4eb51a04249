// Codec ports: how a payload becomes bytes on the wire and back. Toto pickled and
// zlib-compressed; we default to JSON (a Toto peer configured for JSON reads it, and decoding
// can never run code) and no compression. zlib and msgpack live in src/adapters.

import { describe } from './validate.js';

/** Turns values into bytes and back. `loads` must never execute anything from the payload. */
export interface Serialization {
  /** Short name used in configuration ("json", "msgpack"). */
  readonly name: string;
  /** Content type for HTTP bodies. */
  readonly mime: string;
  dumps(value: unknown): Uint8Array;
  loads(bytes: Uint8Array): unknown;
}

/** Shrinks bytes and restores them. `decompress` must bound its output. */
export interface Compression {
  /** Short name used in configuration ("none", "zlib"). */
  readonly name: string;
  compress(bytes: Uint8Array): Uint8Array;
  decompress(bytes: Uint8Array): Uint8Array;
}

const encoder = new TextEncoder();
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
    return encoder.encode(text);
  },
  loads(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`json: cannot decode payload: expected a Uint8Array, got ${describe(bytes)}`);
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new Error('json: cannot decode payload: not valid UTF-8');
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`json: cannot decode payload: ${(error as Error).message}`, { cause: error });
    }
  },
};

/** The identity compression. */
export const noCompression: Compression = {
  name: 'none',
  compress: (bytes: Uint8Array): Uint8Array => bytes,
  decompress: (bytes: Uint8Array): Uint8Array => bytes,
};
