// zlib compression, as Toto's zlib.compress/decompress (zlib format: header + deflate +
// adler32), so a Toto peer reads our events. Decompression is bounded while it runs: a 61 KB
// payload inflates to 60 MiB, so the bound (the smaller of maxOutputBytes and the caller's
// limit, the wire's maxPayloadBytes) goes to zlib as maxOutputLength, which stops inflating
// there (1 ms and 1 MiB for that payload at a 1 MiB bound) instead of inflating and checking after.

import { constants as bufferConstants } from 'node:buffer';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Compression } from '../core/codec.js';
import { WireFormatError } from '../core/errors.js';
import { checkInteger, checkOptions } from '../core/validate.js';

/** Default bound on one decompressed payload: 64 MiB. */
export const ZLIB_MAX_OUTPUT_BYTES_DEFAULT = 64 * 1024 * 1024;

export interface ZlibCompressionOptions {
  /** Compression level, -1 (zlib's default, 6) to 9. */
  level?: number;
  /** Largest decompressed payload accepted, in bytes; at most Node's largest Buffer. */
  maxOutputBytes?: number;
}

export function createZlibCompression(options: ZlibCompressionOptions = {}): Compression {
  checkOptions('zlib options', options, ['level', 'maxOutputBytes']);
  const level = options.level ?? -1;
  const maxOutputBytes = options.maxOutputBytes ?? ZLIB_MAX_OUTPUT_BYTES_DEFAULT;
  checkInteger('level', level, -1, 9);
  // Node refuses a maxOutputLength above its largest Buffer.
  checkInteger('maxOutputBytes', maxOutputBytes, 1, bufferConstants.MAX_LENGTH);
  return {
    name: 'zlib',
    compress(bytes: Uint8Array): Uint8Array {
      checkBytes('zlib.compress', bytes);
      return plain(deflateSync(bytes, { level }));
    },
    decompress(bytes: Uint8Array, limit?: number): Uint8Array {
      checkBytes('zlib.decompress', bytes);
      if (limit !== undefined) checkInteger('zlib.decompress: maxOutputBytes', limit, 1);
      const bound = Math.min(maxOutputBytes, limit ?? Infinity);
      try {
        return plain(inflateSync(bytes, { maxOutputLength: bound }));
      } catch (error) {
        const { code } = error as { code?: string };
        if (code === 'ERR_BUFFER_TOO_LARGE') {
          throw new WireFormatError(
            'TOO_LARGE',
            `zlib: decompressed payload exceeds ${bound === limit ? 'the limit' : 'maxOutputBytes'} (${bound} bytes); inflating stopped there`,
            { cause: error },
          );
        }
        // zlib's own words ("incorrect header check", "unexpected end of file") say what was
        // wrong; they never carry the input.
        const reason = error instanceof Error ? error.message : 'unknown error';
        throw new WireFormatError('MALFORMED', `zlib: cannot decompress payload (not zlib data or truncated): ${reason}`, {
          cause: error,
        });
      }
    },
  };
}

/** zlib with level 6 and the 64 MiB decompression bound. */
export const zlibCompression: Compression = createZlibCompression();

function checkBytes(name: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${name}: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
}

/** A plain Uint8Array view of a Buffer (no copy), so callers never depend on Buffer methods. */
function plain(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
