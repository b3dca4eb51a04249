// crypto's randomness on the seed: randomBytes, randomFill(Sync), randomInt, randomUUID and
// getRandomValues (node:crypto and the global webcrypto) draw from a stream forked from the
// seed per host incarnation, so a run replays and hosts do not perturb each other's draws.
// Their callback forms complete as an event on the caller's loop, as a threadpool job would
// complete on Node's loop. Keys, primes and ciphers made from real entropy stay real.

import type { LoopPort } from '../core/ports.js';
import type { Random } from '../core/random.js';

/** What the virtual crypto reads from the simulation: the caller's stream and loop. */
export interface CryptoSource {
  random(): Random;
  currentLoop(): LoopPort;
}

type Callback<T> = (error: Error | null, value: T) => void;

function fill(random: Random, bytes: Uint8Array): void {
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    const word = random.int(0, 0xffffffff);
    bytes[i] = word & 0xff;
    bytes[i + 1] = (word >>> 8) & 0xff;
    bytes[i + 2] = (word >>> 16) & 0xff;
    bytes[i + 3] = word >>> 24;
  }
  if (i < bytes.length) {
    let word = random.int(0, 0xffffffff);
    for (; i < bytes.length; i++, word >>>= 8) bytes[i] = word & 0xff;
  }
}

function viewBytes(buffer: ArrayBufferView | ArrayBuffer, offset = 0, size?: number): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer, offset, size ?? buffer.byteLength - offset);
  if (!ArrayBuffer.isView(buffer)) {
    throw Object.assign(new TypeError('The "buf" argument must be an instance of ArrayBuffer or ArrayBufferView.'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const unit = 'BYTES_PER_ELEMENT' in buffer ? (buffer as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
  const start = offset * unit;
  const length = size === undefined ? buffer.byteLength - start : size * unit;
  if (start < 0 || length < 0 || start + length > buffer.byteLength) {
    throw Object.assign(new RangeError('The value of "offset" or "size" is out of range.'), { code: 'ERR_OUT_OF_RANGE' });
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset + start, length);
}

function later<T>(source: CryptoSource, callback: Callback<T>, value: T): void {
  source.currentLoop().addCallback(() => callback(null, value));
}

function checkSize(size: unknown): asserts size is number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 2 ** 31 - 1) {
    throw Object.assign(new RangeError(`The value of "size" is out of range. It must be >= 0 && <= ${2 ** 31 - 1}. Received ${String(size)}`), { code: 'ERR_OUT_OF_RANGE' });
  }
}

export function virtualCrypto(source: CryptoSource) {
  function randomBytes(size: number): Buffer;
  function randomBytes(size: number, callback: Callback<Buffer>): void;
  function randomBytes(size: number, callback?: Callback<Buffer>): Buffer | void {
    checkSize(size);
    const buffer = Buffer.alloc(size);
    fill(source.random(), buffer);
    if (callback === undefined) return buffer;
    later(source, callback, buffer);
  }

  function randomFillSync<T extends ArrayBufferView | ArrayBuffer>(buffer: T, offset?: number, size?: number): T {
    fill(source.random(), viewBytes(buffer, offset, size));
    return buffer;
  }

  function randomFill<T extends ArrayBufferView | ArrayBuffer>(buffer: T, ...rest: unknown[]): void {
    const callback = rest.pop() as Callback<T>;
    if (typeof callback !== 'function') throw Object.assign(new TypeError('The "callback" argument must be of type function.'), { code: 'ERR_INVALID_ARG_TYPE' });
    randomFillSync(buffer, rest[0] as number | undefined, rest[1] as number | undefined);
    later(source, callback, buffer);
  }

  /** randomInt([min, ]max[, callback]): an integer in [min, max), uniform, as Node's. */
  function randomInt(...args: unknown[]): number | undefined {
    const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as Callback<number>) : undefined;
    const [min, max] = args.length >= 2 ? (args as [number, number]) : [0, args[0] as number];
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min || max - min > 2 ** 48) {
      throw Object.assign(new RangeError(`randomInt: expected safe integers with min < max and max - min <= 2^48, got min=${String(min)}, max=${String(max)}`), { code: 'ERR_OUT_OF_RANGE' });
    }
    const value = source.random().int(min, max - 1);
    if (callback === undefined) return value;
    later(source, callback, value);
    return undefined;
  }

  function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > 65_536) throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
    fill(source.random(), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }

  /** A version 4 UUID from 16 seeded bytes (RFC 9562: version and variant bits set). */
  function randomUUID(): string {
    const b = new Uint8Array(16);
    fill(source.random(), b);
    b[6] = ((b[6] as number) & 0x0f) | 0x40;
    b[8] = ((b[8] as number) & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  return { randomBytes, randomFillSync, randomFill, randomInt, getRandomValues, randomUUID };
}
