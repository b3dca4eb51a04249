// The trace of a simulated run: every delivery, drop, fault, timer and user event as one
// JSON line, with a running hash. Two runs of one seed must give byte-identical traces;
// the hash lets a sweep compare them without keeping every line. A message event's payload
// bytes go into the hash too (not into the line, which only says how many), so two runs that
// send different bytes at the same moments do not hash alike.
// With `previewChars`, a kept message line also carries a short preview of its payload (for the
// trace viewer, to tell which request was resent); the hash is taken without it, so a run
// traced with previews hashes exactly like the same run in a sweep.

/** One trace event. `tMs` is virtual time; other fields depend on `kind`. */
export interface TraceEvent {
  tMs: number;
  kind: string;
  host?: string;
  [field: string]: unknown;
}

export interface TraceOptions {
  /** Keep every line (for --trace out.jsonl and the viewer). Default false: only the tail. */
  keepAll?: boolean;
  /** Lines kept for failure reports when not keeping all. Default 200. */
  tailLines?: number;
  /** Characters of payload preview added to kept message lines (`preview`). Default 0: none. Not hashed. */
  previewChars?: number;
}

export class Trace {
  private readonly keepAll: boolean;
  private readonly tailLines: number;
  private readonly previewChars: number;
  private readonly lines: string[] = [];
  private tailStart = 0;
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  /** Events recorded so far. */
  count = 0;

  constructor(options: TraceOptions = {}) {
    this.keepAll = options.keepAll ?? false;
    this.tailLines = options.tailLines ?? 200;
    this.previewChars = options.previewChars ?? 0;
  }

  /** Records one event; `payload` (a message's frames) is hashed, not written (only previewed, with previewChars). */
  record(event: TraceEvent, payload?: readonly Uint8Array[]): void {
    let line = JSON.stringify(event);
    this.count++;
    this.mix(line);
    if (payload !== undefined) {
      this.mixBytes(payload);
      if (this.previewChars > 0 && line.endsWith('}')) line = `${line.slice(0, -1)},"preview":${JSON.stringify(payloadPreview(payload, this.previewChars))}}`;
    }
    if (this.keepAll) {
      this.lines.push(line);
    } else if (this.lines.length < this.tailLines) {
      this.lines.push(line);
    } else {
      this.lines[this.tailStart] = line;
      this.tailStart = (this.tailStart + 1) % this.tailLines;
    }
  }

  /** The running hash of every line so far (53-bit, hex). */
  hash(): string {
    const h = 4294967296 * (2097151 & this.h2) + (this.h1 >>> 0);
    return h.toString(16).padStart(14, '0');
  }

  /** Kept lines, oldest first: all of them with keepAll, else the tail. */
  kept(): string[] {
    if (this.keepAll || this.lines.length < this.tailLines) return [...this.lines];
    return [...this.lines.slice(this.tailStart), ...this.lines.slice(0, this.tailStart)];
  }

  /** The last `n` lines. */
  tail(n: number): string[] {
    const kept = this.kept();
    return kept.slice(Math.max(0, kept.length - n));
  }

  get keepsAll(): boolean {
    return this.keepAll;
  }

  // cyrb53-style mixing: fast, and collisions are vanishingly rare for determinism checks.
  private mix(line: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.finish(h1, h2);
  }

  // The same mixing over bytes, four at a time where they fit (one multiply per word and lane
  // instead of per byte); each frame's length is mixed in, so frame boundaries count.
  private mixBytes(frames: readonly Uint8Array[]): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let f = 0; f < frames.length; f++) {
      const bytes = frames[f] as Uint8Array;
      const n = bytes.length;
      h1 = Math.imul(h1 ^ n, 2654435761);
      h2 = Math.imul(h2 ^ n, 1597334677);
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const word = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
        h1 = Math.imul(h1 ^ word, 2654435761);
        h2 = Math.imul(h2 ^ word, 1597334677);
      }
      for (; i < n; i++) {
        const c = bytes[i] as number;
        h1 = Math.imul(h1 ^ c, 2654435761);
        h2 = Math.imul(h2 ^ c, 1597334677);
      }
    }
    this.finish(h1, h2);
  }

  private finish(h1: number, h2: number): void {
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.h1 = h1;
    this.h2 = h2;
  }
}

/**
 * A short, readable preview of a message's frames: each frame as text when it is printable
 * UTF-8, else as hex (`0x01ff...`), joined by ` | ` and cut at `chars` characters.
 */
export function payloadPreview(frames: readonly Uint8Array[], chars: number): string {
  const parts: string[] = [];
  let length = 0;
  let cut = false;
  for (const frame of frames) {
    if (length > chars) {
      cut = true;
      break;
    }
    // Decode no more than can be shown: a large frame costs no more than a small one.
    const head = frame.subarray(0, chars + 1);
    if (head.length < frame.length) cut = true;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(head.length < frame.length ? wholeCharacters(head) : head);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) throw new Error('binary');
    } catch {
      text = `0x${Array.from(head.subarray(0, Math.ceil(chars / 2)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    }
    parts.push(text);
    length += text.length + 3;
  }
  const joined = parts.join(' | ');
  return cut || joined.length > chars ? `${joined.slice(0, chars)}…` : joined;
}

/** `bytes` without a UTF-8 character cut at its end (a character split by a cut is not binary). */
function wholeCharacters(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}
