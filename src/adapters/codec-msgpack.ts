// MessagePack serialization via msgpackr, configured for interop with other msgpack
// implementations (Toto's Python peers): no msgpackr "records" extension, undefined as nil,
// and 64-bit integers as numbers when they are safe (BigInt only when they are not).

import { C1, Packr, type Options } from 'msgpackr';
import type { Serialization } from '../core/codec.js';
import { describe } from '../core/validate.js';

// 'auto' is supported by msgpackr (number when safe, else BigInt) but missing from its typings.
const packr = new Packr({
  useRecords: false,
  encodeUndefinedAsNil: true,
  int64AsType: 'auto',
} as unknown as Options);

export const msgpackSerialization: Serialization = {
  name: 'msgpack',
  mime: 'application/msgpack',
  dumps(value: unknown): Uint8Array {
    let packed: Uint8Array;
    try {
      packed = packr.pack(value);
    } catch (error) {
      throw new TypeError(`msgpack: cannot encode value: ${(error as Error).message}`, { cause: error });
    }
    // A plain view (no copy) over msgpackr's Buffer: callers never depend on Buffer methods.
    return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
  },
  loads(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`msgpack: cannot decode payload: expected a Uint8Array, got ${describe(bytes)}`);
    }
    let value: unknown;
    try {
      value = packr.unpack(bytes);
    } catch (error) {
      throw new Error(`msgpack: cannot decode payload: ${(error as Error).message}`, { cause: error });
    }
    // msgpackr decodes the reserved byte 0xc1 to a marker object instead of failing.
    if (containsReserved(value, 0)) throw new Error('msgpack: cannot decode payload: reserved byte 0xc1');
    return value;
  },
};

/** Depth bound for the 0xc1 scan; deeper structures are not scanned further. */
const SCAN_DEPTH_MAX = 64;

function containsReserved(value: unknown, depth: number): boolean {
  if (value === C1) return true;
  if (value === null || typeof value !== 'object' || depth >= SCAN_DEPTH_MAX) return false;
  if (value instanceof Uint8Array) return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) if (containsReserved(item, depth + 1)) return true;
  return false;
}
