// The trace of a simulated run: every delivery, drop, fault, timer and user event as one
// JSON line, with a running hash. Two runs of one seed must give byte-identical traces;
// the hash lets a sweep compare them without keeping every line. A message event's payload
// bytes go into the hash too (not into the line, which only says how many), so two runs that
// send different bytes at the same moments do not hash alike.
// The hash is taken over each event's fields (trace-hash.ts), and a line is written only when it
// is read: with keepAll as it is recorded, else only for the tail someone asks for
// (trace-tail.ts). A sweep keeps no line at all, unless a run fails.
// With `previewChars`, a kept message line also carries a short preview of its payload (for the
// trace viewer, to tell which request was resent); the hash is taken without it, so a run
// traced with previews hashes exactly like the same run in a sweep. Lines added with `note()`
// (timer lines) are kept but not hashed or counted, for the same reason.

import { checkTraceOptions } from './simulation-options.js';
import { keyWord, TraceHasher } from './trace-hash.js';
import { lineWithPreview, messageLine, TraceTail } from './trace-tail.js';

/** One trace event. `tMs` is virtual time; other fields depend on `kind`. The trace keeps the object: do not change it after recording it. */
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
  private readonly previewChars: number;
  /** Every line, with keepAll. */
  private readonly lines: string[] = [];
  /** The last lines, without keepAll. */
  private readonly tailRing: TraceTail;
  private readonly hasher = new TraceHasher();
  /** Events recorded (and hashed) so far; lines added with note() are not counted. */
  count = 0;

  constructor(options: TraceOptions = {}) {
    // Checked here too, not only by Simulation: a tailLines of 2e9 would allocate a ring that size.
    checkTraceOptions('Trace options', options);
    this.keepAll = options.keepAll ?? false;
    this.previewChars = options.previewChars ?? 0;
    this.tailRing = new TraceTail(this.keepAll ? 0 : (options.tailLines ?? 200));
  }

  /** Records one event; `payload` (a message's frames) is hashed, not written (only previewed, with previewChars). */
  record(event: TraceEvent, payload?: readonly Uint8Array[]): void {
    this.count++;
    const hasher = this.hasher;
    const flat = hasher.fields(event);
    if (payload !== undefined) hasher.bytes(payload);
    hasher.finish();
    const preview = payload !== undefined && this.previewChars > 0 ? payloadPreview(payload, this.previewChars) : undefined;
    if (this.keepAll) this.lines.push(lineWithPreview(event, preview));
    // An event with objects in it is written now: they could change before the line is read.
    else this.tailRing.push(flat ? event : lineWithPreview(event, preview), preview);
  }

  /**
   * Records a message event: the same line and hash as record({tMs, kind, host, from, to, socket,
   * msg, bytes, reason?}, payload), without building the object (the network's hot path).
   */
  recordMessage(tMs: number, kind: string, host: string, from: string, to: string, socket: string, msg: number, bytes: number, reason: string | undefined, payload: readonly Uint8Array[] | undefined): void {
    this.count++;
    const h = this.hasher;
    h.word(KEY_TMS);
    h.number(tMs);
    h.word(KEY_KIND);
    h.string(kind);
    h.word(KEY_HOST);
    h.string(host);
    h.word(KEY_FROM);
    h.string(from);
    h.word(KEY_TO);
    h.string(to);
    h.word(KEY_SOCKET);
    h.string(socket);
    h.word(KEY_MSG);
    h.number(msg);
    h.word(KEY_BYTES);
    h.number(bytes);
    if (reason !== undefined) {
      h.word(KEY_REASON);
      h.string(reason);
    }
    if (payload !== undefined) h.bytes(payload);
    h.finish();
    const preview = payload !== undefined && this.previewChars > 0 ? payloadPreview(payload, this.previewChars) : undefined;
    if (this.keepAll) this.lines.push(messageLine(tMs, kind, host, from, to, socket, msg, bytes, reason, preview));
    else this.tailRing.pushMessage(tMs, kind, host, from, to, socket, msg, bytes, reason, preview);
  }

  /** Keeps a line that is neither hashed nor counted (timer lines: written only when tracing keeps every line). */
  note(event: TraceEvent): void {
    if (this.keepAll) this.lines.push(JSON.stringify(event));
  }

  /** The running hash of every event so far (53-bit, hex). */
  hash(): string {
    return this.hasher.hex();
  }

  /** Kept lines, oldest first: all of them with keepAll, else the tail. */
  kept(): string[] {
    return this.keepAll ? [...this.lines] : this.tailRing.lines();
  }

  /** The last `n` lines. */
  tail(n: number): string[] {
    if (!this.keepAll) return this.tailRing.lines(n);
    return this.lines.slice(Math.max(0, this.lines.length - n));
  }

  get keepsAll(): boolean {
    return this.keepAll;
  }
}

const KEY_TMS = keyWord('tMs');
const KEY_KIND = keyWord('kind');
const KEY_HOST = keyWord('host');
const KEY_FROM = keyWord('from');
const KEY_TO = keyWord('to');
const KEY_SOCKET = keyWord('socket');
const KEY_MSG = keyWord('msg');
const KEY_BYTES = keyWord('bytes');
const KEY_REASON = keyWord('reason');

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
