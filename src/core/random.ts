// The seeded random source, on pure-rand's xoroshiro128+. `fork(label)` derives a stream
// from this stream's seed and the label alone, so a host's choices do not depend on how
// many numbers another host drew first.

import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomPort } from './ports.js';
import { checkInteger, checkRange, checkString, expected } from './validate.js';

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

export class Random implements RandomPort {
  /** The 32-bit seed this stream was built from. */
  readonly seed: number;
  private readonly generator: Generator;

  constructor(seed: number) {
    checkInteger('seed', seed, -(2 ** 53 - 1), 2 ** 53 - 1);
    // Seeds in [0, 2^32) keep their low 32 bits; higher bits are hashed in, so 1 and 2^32 + 1 differ.
    this.seed = (seed | 0) ^ fmix32(Math.floor(seed / 2 ** 32) | 0);
    this.generator = xoroshiro128plusFromState(expandSeed(this.seed));
  }

  int(minInclusive: number, maxInclusive: number): number {
    checkInteger('minInclusive', minInclusive, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    checkInteger('maxInclusive', maxInclusive, minInclusive, Number.MAX_SAFE_INTEGER);
    return uniformInt(this.generator, minInclusive, maxInclusive);
  }

  float(): number {
    return uniformFloat64(this.generator);
  }

  bool(probability: number): boolean {
    checkRange('probability', probability, 0, 1);
    if (probability === 0) return false;
    if (probability === 1) return true;
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (!Array.isArray(items)) throw new TypeError(expected('items', 'an array', items));
    if (items.length === 0) throw new RangeError('pick: expected a non-empty array, got an empty one');
    return items[uniformInt(this.generator, 0, items.length - 1)] as T;
  }

  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) throw new TypeError(expected('items', 'an array', items));
    for (let i = items.length - 1; i > 0; i--) {
      const j = uniformInt(this.generator, 0, i);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  fork(label: string): Random {
    checkString('label', label);
    return new Random(fmix32(this.seed ^ hashString(label)));
  }
}

/** FNV-1a over UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * The generator's 128-bit state from a 32-bit seed, splitmix-style: four hashed words. pure-rand's
 * own xoroshiro128plus(seed) puts the seed in the state as is, so the first draws of seeds 1, 2,
 * 3, ... are nearly linear in the seed. fmix32 is a bijection and the four inputs differ, so at
 * most one word is zero and the state never is.
 */
function expandSeed(seed: number): number[] {
  return [1, 2, 3, 4].map((i) => fmix32((seed + Math.imul(i, 0x9e3779b9)) | 0));
}

/** murmur3's finaliser, a bijection on 32-bit integers that spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
