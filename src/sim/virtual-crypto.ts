// crypto's randomness on the seed: randomBytes, randomFill(Sync), randomInt, randomUUID and
// getRandomValues (node:crypto and the global webcrypto) draw from a stream forked from the
// seed per host incarnation, so a run replays and hosts do not perturb each other's draws.
// Their callback forms complete as an event on the caller's loop, as a threadpool job would
// complete on Node's loop. Keys, primes and ciphers made from real entropy stay real.

import type { LoopPort } from '../core/ports.js';
import type { Random } from '../core/random.js';
import { invalidArgType, outOfRange, validateFunction, validateNumber, validateObject } from './node-errors.js';

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

// Node's argument checks (lib/internal/crypto/random.js), so a bad call fails as it would on Node.
const MAX_POSSIBLE_LENGTH = 2 ** 31 - 1;
/** randomInt's widest range: max - min <= 2^48 - 1. */
const RAND_MAX = 0xffff_ffff_ffff;

function checkBuffer(buffer: unknown): asserts buffer is ArrayBufferView | ArrayBuffer {
  if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) {
    throw invalidArgType('buf', 'an instance of ArrayBuffer or ArrayBufferView', buffer);
  }
}

function checkOffset(offset: unknown, elementSize: number, length: number): number {
  validateNumber('offset', offset);
  const bytes = offset * elementSize;
  const maxLength = Math.min(length, MAX_POSSIBLE_LENGTH);
  if (Number.isNaN(bytes) || bytes > maxLength || bytes < 0) throw outOfRange('offset', `>= 0 && <= ${maxLength}`, bytes);
  return bytes >>> 0;
}

function checkSize(size: unknown, elementSize: number, offset: number, length: number): number {
  validateNumber('size', size);
  const bytes = size * elementSize;
  if (Number.isNaN(bytes) || bytes > MAX_POSSIBLE_LENGTH || bytes < 0) throw outOfRange('size', `>= 0 && <= ${MAX_POSSIBLE_LENGTH}`, bytes);
  if (bytes + offset > length) throw outOfRange('size + offset', `<= ${length}`, bytes + offset);
  return bytes >>> 0;
}

/** The bytes `randomFill(Sync)(buffer, offset, size)` writes, checked as Node checks them (offset and size count elements). */
function viewBytes(buffer: unknown, offset: unknown = 0, size?: unknown): Uint8Array {
  checkBuffer(buffer);
  const elementSize = (buffer as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const start = checkOffset(offset, elementSize, buffer.byteLength);
  const length = size === undefined ? buffer.byteLength - start : checkSize(size, elementSize, start, buffer.byteLength);
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer, start, length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset + start, length);
}

function later<T>(source: CryptoSource, callback: Callback<T>, value: T): void {
  source.currentLoop().addCallback(() => callback(null, value));
}

export function virtualCrypto(source: CryptoSource) {
  function randomBytes(size: number): Buffer;
  function randomBytes(size: number, callback: Callback<Buffer>): void;
  function randomBytes(size: number, callback?: Callback<Buffer>): Buffer | void {
    const bytes = checkSize(size, 1, 0, Infinity);
    if (callback !== undefined) validateFunction('callback', callback);
    const buffer = Buffer.alloc(bytes);
    fill(source.random(), buffer);
    if (callback === undefined) return buffer;
    later(source, callback, buffer);
  }

  function randomFillSync<T extends ArrayBufferView | ArrayBuffer>(buffer: T, offset?: number, size?: number): T {
    fill(source.random(), viewBytes(buffer, offset, size));
    return buffer;
  }

  /** randomFill(buf[, offset[, size]], callback): the callback is the last argument given. */
  function randomFill<T extends ArrayBufferView | ArrayBuffer>(buffer: T, offset?: unknown, size?: unknown, callback?: unknown): void {
    checkBuffer(buffer);
    if (typeof offset === 'function') [callback, offset, size] = [offset, 0, undefined];
    else if (typeof size === 'function') [callback, size] = [size, undefined];
    else validateFunction('callback', callback);
    fill(source.random(), viewBytes(buffer, offset, size));
    later(source, callback as Callback<T>, buffer);
  }

  /** randomInt([min, ]max[, callback]): an integer in [min, max), uniform, as Node's. */
  function randomInt(min: unknown, max?: unknown, callback?: unknown): number | undefined {
    const minNotSpecified = max === undefined || typeof max === 'function';
    if (minNotSpecified) [callback, max, min] = [max, min, 0];
    if (callback !== undefined) validateFunction('callback', callback);
    if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min);
    if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max);
    if ((max as number) <= (min as number)) throw outOfRange('max', `greater than the value of "min" (${String(min)})`, max);
    const range = (max as number) - (min as number);
    if (!(range <= RAND_MAX)) throw outOfRange(minNotSpecified ? 'max' : 'max - min', `<= ${RAND_MAX}`, range);
    const value = source.random().int(min as number, (max as number) - 1);
    if (callback === undefined) return value;
    later(source, callback as Callback<number>, value);
    return undefined;
  }

  function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > 65_536) throw new DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
    fill(source.random(), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }

  /** A version 4 UUID from 16 seeded bytes (RFC 9562: version and variant bits set). */
  function randomUUID(options?: unknown): string {
    if (options !== undefined) validateObject('options', options);
    const { disableEntropyCache = false } = (options ?? {}) as { disableEntropyCache?: unknown };
    if (typeof disableEntropyCache !== 'boolean') throw invalidArgType('options.disableEntropyCache', 'of type boolean', disableEntropyCache);
    const b = new Uint8Array(16);
    fill(source.random(), b);
    b[6] = ((b[6] as number) & 0x0f) | 0x40;
    b[8] = ((b[8] as number) & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  return { randomBytes, randomFillSync, randomFill, randomInt, getRandomValues, randomUUID };
}
