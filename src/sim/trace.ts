// The trace of a simulated run: every delivery, drop, fault, timer and user event as one
// JSON line, with a running hash. Two runs of one seed must give byte-identical traces;
// the hash lets a sweep compare them without keeping every line.

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
}

export class Trace {
  private readonly keepAll: boolean;
  private readonly tailLines: number;
  private readonly lines: string[] = [];
  private tailStart = 0;
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  /** Events recorded so far. */
  count = 0;

  constructor(options: TraceOptions = {}) {
    this.keepAll = options.keepAll ?? false;
    this.tailLines = options.tailLines ?? 200;
  }

  record(event: TraceEvent): void {
    const line = JSON.stringify(event);
    this.count++;
    this.mix(line);
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
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.h1 = h1;
    this.h2 = h2;
  }
}
