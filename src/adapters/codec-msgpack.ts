// MessagePack serialization via msgpackr, speaking plain msgpack only (what Toto's Python peers
// and every other msgpack library send and read): no msgpackr records, structured clone
// (shared and cyclic references), bundled strings or msgpackr-only extension types, undefined
// as nil, and 64-bit integers as numbers when they are safe (BigInt only when they are not).
// Decoding checks the bytes first (checkPlainMsgpack: one linear pass, nesting <= maxDepth, at
// most maxContainers arrays and maps), so
// whatever a peer sends, msgpackr only ever decodes plain msgpack.

import { Packr, Unpackr, type Options } from 'msgpackr';
import { MAX_CONTAINERS_DEFAULT, MAX_DEPTH_DEFAULT, type DecodeLimits, type Serialization } from '../core/codec.js';
import { WireFormatError, boundText } from '../core/errors.js';
import { describe } from '../core/validate.js';
import { checkPlainMsgpack } from './msgpack-check.js';

const plainOptions = {
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
  // Maps decode as plain objects (their keys are checked to be scalars first).
  mapsAsObjects: true,
  encodeUndefinedAsNil: true,
  // 'auto' is supported by msgpackr (number when safe, else BigInt) but missing from its typings.
  int64AsType: 'auto',
} as unknown as Options;

const packr = new Packr(plainOptions);
const unpackr = new Unpackr(plainOptions);

/** Encoded values are checked as deep as this; deeper values are refused rather than sent. */
const ENCODE_DEPTH_MAX = 1024;

export const msgpackSerialization: Serialization = {
  name: 'msgpack',
  mime: 'application/msgpack',
  dumps(value: unknown): Uint8Array {
    let packed: Uint8Array;
    try {
      packed = packr.pack(value);
    } catch (error) {
      throw new TypeError(`msgpack: cannot encode value: ${boundText((error as Error).message)}`, { cause: error });
    }
    // msgpackr still writes its own extensions for some values (Error, RegExp, typed arrays
    // other than Uint8Array, Set...): refuse to send what a plain peer, or we, would refuse.
    try {
      checkPlainMsgpack(packed, ENCODE_DEPTH_MAX, Infinity);
    } catch (error) {
      const reason = (error as Error).message.replace(/^msgpack: cannot decode payload: /, '');
      throw new TypeError(`msgpack: cannot encode ${describe(value)} as plain msgpack: ${reason}`, { cause: error });
    }
    // A plain view (no copy) over msgpackr's Buffer: callers never depend on Buffer methods.
    return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
  },
  loads(bytes: Uint8Array, limits?: DecodeLimits): unknown {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`msgpack: cannot decode payload: expected a Uint8Array, got ${describe(bytes)}`);
    }
    checkPlainMsgpack(bytes, limits?.maxDepth ?? MAX_DEPTH_DEFAULT, limits?.maxContainers ?? MAX_CONTAINERS_DEFAULT);
    try {
      return unpackr.unpack(bytes);
    } catch (error) {
      // Checked bytes should always decode; if msgpackr still refuses, its words (which may be
      // an internal TypeError) are not repeated to the peer.
      throw new WireFormatError('MALFORMED', 'msgpack: cannot decode payload: refused by the decoder', { cause: error });
    }
  },
};
