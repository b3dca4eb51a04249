// UTF-8 encoding for the wire's small, hot strings (message ids, JSON payloads), from a pool.
// TextEncoder.encode gives every string its own ArrayBuffer: ~400 ns for a 70-byte payload plus
// the garbage collector's work on one more backing store per frame, against ~140 ns for
// encodeInto a slice of a shared 8 KiB slab (measured, Node 20). Node's Buffer.from pools the
// same way; src/core cannot use Buffer, so this is its pure equivalent.
//
// A slice shares its slab with its neighbours: callers must treat it as read-only and respect
// byteOffset (every user of wire bytes here does). A slab stays alive while any slice of it does,
// so at most SLAB_BYTES are held for one long-lived slice, as with Buffer's pool.

/** TextEncoder with encodeInto (every runtime has it; the core's text-codec.d.ts declares only encode). */
const encoder = new TextEncoder() as TextEncoder & {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
};

/** Size of one shared slab; strings that could need more than POOLED_MAX_BYTES get their own buffer. */
const SLAB_BYTES = 8 * 1024;
const POOLED_MAX_BYTES = SLAB_BYTES / 4;

let slab = new Uint8Array(SLAB_BYTES);
let offset = 0;

/** `text` as UTF-8 bytes: a slice of a shared slab for short strings (read-only), its own buffer otherwise. */
export function encodeUtf8(text: string): Uint8Array {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: that bound decides whether it fits.
  const most = text.length * 3;
  if (most > POOLED_MAX_BYTES) return encoder.encode(text);
  if (SLAB_BYTES - offset < most) {
    slab = new Uint8Array(SLAB_BYTES);
    offset = 0;
  }
  const { written } = encoder.encodeInto(text, slab.subarray(offset));
  const bytes = slab.subarray(offset, offset + written);
  // Keep the next slice 8-byte aligned, as Buffer's pool does.
  offset = (offset + written + 7) & ~7;
  return bytes;
}
