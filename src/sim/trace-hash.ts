// The trace's running hash, taken over each event's fields as values (not over its JSON line):
// a key mixes in as one cached word, a number as its int32 or float64 words, a string two
// UTF-16 units per word, a message's payload eight bytes per step. Two runs of one seed give
// the same words in the same order, so the same hash, without writing a line per event.
// Why not hash the JSON line: in a sweep only the last 200 lines are ever read, yet building
// each line (JSON.stringify) and hashing it a character at a time cost 27% of the CPU of the
// reference worker-crash sweep (and a string per event for the GC); hashing the fields costs
// about a third of the multiplications and allocates nothing (bench/sim.ts, BENCHMARKS.md).
// The hash is a function of what the line says: an event recorded as an object and the same
// event recorded through Trace.recordMessage hash alike (test/unit/sim/trace.test.ts).

const K1 = 2654435761;
const K2 = 1597334677;
// Type tags, so values of different types at one position do not mix in the same words.
const TAG_INT = 0x7f000001;
const TAG_FLOAT = 0x7f000002;
const TAG_STRING = 0x40000000;
const TAG_TRUE = 0x7f000003;
const TAG_FALSE = 0x7f000004;
const TAG_NULL = 0x7f000005;
const TAG_ARRAY = 0x20000000;
const TAG_OBJECT = 0x7f000006;
const TAG_END = 0x7f000007;
/** Past this depth a value is taken as JSON text (which also refuses a cycle, as a JSON line did). */
const DEPTH_MAX = 64;

const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);
const keyWords = new Map<string, number>();

/** One word per key, computed once (keys are few: tMs, kind, host, ...). */
export function keyWord(key: string): number {
  let word = keyWords.get(key);
  if (word === undefined) {
    word = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) word = Math.imul(word ^ key.charCodeAt(i), 16777619);
    keyWords.set(key, word);
  }
  return word;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

export class TraceHasher {
  /** h1, h2: in an Int32Array so that updating them stores raw integers (class fields would hold boxed doubles). */
  private readonly h = Int32Array.of(0xdeadbeef | 0, 0x41c6ce57);

  word(w: number): void {
    const h = this.h;
    h[0] = Math.imul((h[0] as number) ^ w, K1);
    h[1] = Math.imul((h[1] as number) ^ w, K2);
  }

  string(s: string): void {
    const n = s.length;
    const h = this.h;
    let h1 = Math.imul((h[0] as number) ^ (TAG_STRING | n), K1);
    let h2 = Math.imul((h[1] as number) ^ (TAG_STRING | n), K2);
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
      h1 = Math.imul(h1 ^ w, K1);
      h2 = Math.imul(h2 ^ w, K2);
    }
    if (i < n) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, K1);
      h2 = Math.imul(h2 ^ c, K2);
    }
    h[0] = h1;
    h[1] = h2;
  }

  number(n: number): void {
    // -0 is 0 here, as in a JSON line.
    if ((n | 0) === n) {
      this.word(TAG_INT);
      this.word(n);
    } else {
      float[0] = n;
      this.word(TAG_FLOAT);
      this.word(floatWords[0] as number);
      this.word(floatWords[1] as number);
    }
  }

  /** Mixes an event's fields; returns true when every value is a primitive (the event can be written later unchanged). */
  fields(event: object): boolean {
    let flat = true;
    for (const key in event) {
      const value = (event as Record<string, unknown>)[key];
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue; // not in a JSON line
      this.word(keyWord(key));
      if (this.value(value, 1)) flat = false;
    }
    return flat;
  }

  /** Mixes one value; returns true when it is an object or array. */
  private value(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return false;
      case 'number':
        this.number(value);
        return false;
      case 'boolean':
        this.word(value ? TAG_TRUE : TAG_FALSE);
        return false;
      case 'object':
        if (value === null) {
          this.word(TAG_NULL);
          return false;
        }
        this.object(value, depth);
        return true;
      case 'undefined':
      case 'function':
      case 'symbol':
        this.word(TAG_NULL); // in an array, as JSON writes it
        return false;
      default:
        // A bigint: JSON.stringify throws for it, as writing the line did.
        this.string(JSON.stringify(value));
        return false;
    }
  }

  private object(value: object, depth: number): void {
    if (depth > DEPTH_MAX || !(Array.isArray(value) || isPlainObject(value))) {
      // A Date, a class instance, a toJSON: hashed as the text a line would show for it.
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) this.word(TAG_NULL);
      else this.string(text);
      return;
    }
    if (Array.isArray(value)) {
      this.word(TAG_ARRAY | value.length);
      for (let i = 0; i < value.length; i++) this.value(value[i], depth + 1);
      return;
    }
    this.word(TAG_OBJECT);
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const field = (value as Record<string, unknown>)[key];
      if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
      this.word(keyWord(key));
      this.value(field, depth + 1);
    }
    this.word(TAG_END);
  }

  /** A message's frames: each frame's length, then its bytes eight at a time (four into each lane). */
  bytes(frames: readonly Uint8Array[]): void {
    const h = this.h;
    let h1 = h[0] as number;
    let h2 = h[1] as number;
    for (let f = 0; f < frames.length; f++) {
      const bytes = frames[f] as Uint8Array;
      const n = bytes.length;
      h1 = Math.imul(h1 ^ n, K1);
      h2 = Math.imul(h2 ^ n, K2);
      let i = 0;
      for (; i + 8 <= n; i += 8) {
        h1 = Math.imul(h1 ^ ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24)), K1);
        h2 = Math.imul(h2 ^ ((bytes[i + 4] as number) | ((bytes[i + 5] as number) << 8) | ((bytes[i + 6] as number) << 16) | ((bytes[i + 7] as number) << 24)), K2);
      }
      for (; i < n; i++) {
        const c = bytes[i] as number;
        h1 = Math.imul(h1 ^ c, K1);
        h2 = Math.imul(h2 ^ c, K2);
      }
    }
    h[0] = h1;
    h[1] = h2;
  }

  /** Ends one event: cyrb53's avalanche, so the next event starts from well-mixed state. */
  finish(): void {
    const h = this.h;
    const h2 = h[1] as number;
    const h1 = Math.imul((h[0] as number) ^ ((h[0] as number) >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h[1] = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    h[0] = h1;
  }

  /** The running hash (53-bit, 14 hex digits). */
  hex(): string {
    const value = 4294967296 * (2097151 & (this.h[1] as number)) + ((this.h[0] as number) >>> 0);
    return value.toString(16).padStart(14, '0');
  }
}
