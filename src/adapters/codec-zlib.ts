// zlib compression, as Toto's zlib.compress/decompress (zlib format: header + deflate +
// adler32), so a Toto peer reads our events. Decompression is bounded: a few KiB of
// crafted input can inflate to gigabytes, and one such message must not take a worker down.

import { constants as bufferConstants } from 'node:buffer';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Compression } from '../core/codec.js';
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
    decompress(bytes: Uint8Array): Uint8Array {
      checkBytes('zlib.decompress', bytes);
      try {
        return plain(inflateSync(bytes, { maxOutputLength: maxOutputBytes }));
      } catch (error) {
        const { code, message } = error as { code?: string; message: string };
        if (code === 'ERR_BUFFER_TOO_LARGE') {
          throw new RangeError(
            `zlib: decompressed payload exceeds maxOutputBytes (${maxOutputBytes} bytes); raise maxOutputBytes if this payload is legitimate`,
            { cause: error },
          );
        }
        throw new Error(`zlib: cannot decompress payload (not zlib data or truncated): ${message}`, { cause: error });
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
