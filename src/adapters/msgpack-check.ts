// One iterative pass over msgpack bytes before msgpackr sees them, so only plain msgpack (the
// format every msgpack library reads and writes) is ever decoded. msgpackr on its own also
// speaks its own extensions (records, structured clone's shared and cyclic references, typed
// arrays, Error, RegExp...): from a peer, a 19-byte reference payload made a self-referencing
// array that hung every later walk of it, and a declared length of 2^32 items allocates before
// the bytes run out. The pass is linear in the bytes, allocates only a stack of maxDepth counts
// and refuses: extension types other than msgpack's timestamp (-1), the reserved byte 0xc1,
// lengths the remaining bytes cannot hold, nesting past maxDepth, more than maxContainers
// arrays and maps (each is a ~50-byte object for 1 byte of input), map keys that are not
// scalars, strings that are not UTF-8, and bytes after the value.

import { WireFormatError, type WireFormatCode } from '../core/errors.js';

// fatal: invalid UTF-8 is refused, not turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** msgpack's one standard extension type: timestamp, in its 4, 8 and 12 byte forms. */
const TIMESTAMP_TYPE = -1;
const TIMESTAMP_LENGTHS = new Set([4, 8, 12]);

function fail(code: WireFormatCode, message: string): never {
  throw new WireFormatError(code, `msgpack: cannot decode payload: ${message}`);
}

/**
 * Throws a WireFormatError (with a code) unless `bytes` is exactly one plain msgpack value nested
 * at most maxDepth deep and holding at most maxContainers arrays and maps.
 */
export function checkPlainMsgpack(bytes: Uint8Array, maxDepth: number, maxContainers: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  // Items still expected by each open container (a map counts keys and values); isMap marks
  // maps, whose even items are keys.
  const remaining: number[] = [];
  const isMap: boolean[] = [];
  let pos = 0;
  let expectValues = 1;
  let containers = 0;

  const need = (count: number, what: string): void => {
    if (count > end - pos) fail('MALFORMED', `truncated ${what} at byte ${pos} (${count} bytes needed, ${end - pos} left)`);
  };
  const uint = (size: number): number => {
    need(size, 'length');
    const value = size === 1 ? view.getUint8(pos) : size === 2 ? view.getUint16(pos) : view.getUint32(pos);
    pos += size;
    return value;
  };
  const open = (count: number, map: boolean): void => {
    if (remaining.length + 1 > maxDepth) fail('TOO_DEEP', `nested deeper than maxDepth (${maxDepth})`);
    if (++containers > maxContainers) fail('TOO_LARGE', `more than maxContainers (${maxContainers}) arrays and maps`);
    // Every item takes at least one byte: a longer declared count is truncated input, refused
    // before anyone allocates for it.
    const items = map ? count * 2 : count;
    if (items > end - pos) fail('MALFORMED', `${map ? 'map' : 'array'} of ${count} entries at byte ${pos} but only ${end - pos} bytes left`);
    if (items > 0) {
      remaining.push(items);
      isMap.push(map);
    }
  };
  const string = (length: number): void => {
    need(length, 'string');
    for (let i = pos; i < pos + length; i++) {
      if ((bytes[i] as number) >= 0x80) {
        try {
          utf8.decode(bytes.subarray(pos, pos + length));
        } catch {
          fail('BAD_ENCODING', `string at byte ${pos} is not valid UTF-8`);
        }
        break;
      }
    }
    pos += length;
  };
  const ext = (length: number): void => {
    need(1 + length, 'extension');
    const type = view.getInt8(pos);
    if (type !== TIMESTAMP_TYPE || !TIMESTAMP_LENGTHS.has(length)) {
      fail('UNSUPPORTED_TYPE', `extension type ${type} (${length} bytes) at byte ${pos - 1}: only plain msgpack is accepted`);
    }
    pos += 1 + length;
  };

  while (expectValues > 0 || remaining.length > 0) {
    if (pos >= end) fail('MALFORMED', `truncated: value expected at byte ${pos}`);
    // A map's even items (0, 2, ... counting down from 2n) are keys.
    const top = remaining.length - 1;
    const asKey = top >= 0 && isMap[top] === true && (remaining[top] as number) % 2 === 0;
    // This value fills one slot of its parent (or is the top-level value), counted before any
    // container it opens is pushed above the parent.
    if (top >= 0) remaining[top] = (remaining[top] as number) - 1;
    else expectValues--;
    const start = pos;
    const byte = bytes[pos++] as number;
    let scalar = true;
    if (byte <= 0x7f || byte >= 0xe0 || byte === 0xc0 || byte === 0xc2 || byte === 0xc3) {
      // fixint, nil, false, true
    } else if (byte <= 0x8f) {
      scalar = false;
      open(byte & 0x0f, true);
    } else if (byte <= 0x9f) {
      scalar = false;
      open(byte & 0x0f, false);
    } else if (byte <= 0xbf) {
      string(byte & 0x1f);
    } else if (byte === 0xc1) {
      fail('MALFORMED', `reserved byte 0xc1 at byte ${start}`);
    } else if (byte >= 0xc4 && byte <= 0xc6) {
      scalar = false; // bin: not a key
      const length = uint(1 << (byte - 0xc4));
      need(length, 'bin');
      pos += length;
    } else if (byte >= 0xc7 && byte <= 0xc9) {
      scalar = false;
      ext(uint(1 << (byte - 0xc7)));
    } else if (byte === 0xca || byte === 0xcb) {
      need(byte === 0xca ? 4 : 8, 'float');
      pos += byte === 0xca ? 4 : 8;
    } else if (byte >= 0xcc && byte <= 0xd3) {
      const size = 1 << ((byte - 0xcc) % 4);
      need(size, 'integer');
      pos += size;
    } else if (byte >= 0xd4 && byte <= 0xd8) {
      scalar = false;
      ext(1 << (byte - 0xd4));
    } else if (byte >= 0xd9 && byte <= 0xdb) {
      string(uint(1 << (byte - 0xd9)));
    } else if (byte === 0xdc || byte === 0xdd) {
      scalar = false;
      open(uint(byte === 0xdc ? 2 : 4), false);
    } else {
      // 0xde, 0xdf
      scalar = false;
      open(uint(byte === 0xde ? 2 : 4), true);
    }
    if (asKey && !scalar) {
      fail('UNSUPPORTED_TYPE', `map key at byte ${start} is not a string, number, boolean or nil`);
    }
    // Close every container that is now full.
    while (remaining.length > 0 && remaining[remaining.length - 1] === 0) {
      remaining.pop();
      isMap.pop();
    }
  }
  if (pos !== end) fail('MALFORMED', `${end - pos} bytes after the value (at byte ${pos})`);
}
