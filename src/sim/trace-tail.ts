// The last N events of a trace, written as JSON lines only when someone reads them (a failure
// report, a test): in a sweep almost no run is read, so a line per event would be built for
// nothing. A message event (most of a trace) is kept as its fields in flat arrays, so recording
// one allocates nothing; any other event is kept as its object when all its values are
// primitives (they cannot change), else as its line, written at once.

/** A message event's fields, in the order its line has them. */
export interface MessageFields {
  tMs: number;
  kind: string;
  host: string;
  from: string;
  to: string;
  socket: string;
  msg: number;
  bytes: number;
  reason?: string;
}

/** The JSON line of a message event (with its payload preview, if any): the same text as JSON.stringify of the event object. */
export function messageLine(tMs: number, kind: string, host: string, from: string, to: string, socket: string, msg: number, bytes: number, reason: string | undefined, preview: string | undefined): string {
  const event: MessageFields & { preview?: string } = { tMs, kind, host, from, to, socket, msg, bytes };
  if (reason !== undefined) event.reason = reason;
  if (preview !== undefined) event.preview = preview;
  return JSON.stringify(event);
}

/** An event's line with a payload preview added last (as a message line carries it). */
export function lineWithPreview(event: object, preview: string | undefined): string {
  const line = JSON.stringify(event);
  return preview === undefined || !line.endsWith('}') ? line : `${line.slice(0, -1)},"preview":${JSON.stringify(preview)}}`;
}

const STRINGS = 6; // kind, host, from, to, socket, reason
const NUMBERS = 3; // tMs, msg, bytes

export class TraceTail {
  /** Per slot: an event object (primitives only), its line, or undefined for a message slot. */
  private readonly events: (object | string | undefined)[];
  private readonly previews: (string | undefined)[];
  private readonly strings: (string | undefined)[];
  private readonly numbers: Float64Array;
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.events = new Array<object | string | undefined>(capacity).fill(undefined);
    this.previews = new Array<string | undefined>(capacity).fill(undefined);
    this.strings = new Array<string | undefined>(capacity * STRINGS).fill(undefined);
    this.numbers = new Float64Array(capacity * NUMBERS);
  }

  /** Keeps an event: its object (all values primitive) or its line. */
  push(event: object | string, preview: string | undefined): void {
    if (this.capacity === 0) return;
    const slot = this.take();
    this.events[slot] = event;
    this.previews[slot] = preview;
  }

  /** Keeps a message event as its fields (no object, no line). */
  pushMessage(tMs: number, kind: string, host: string, from: string, to: string, socket: string, msg: number, bytes: number, reason: string | undefined, preview: string | undefined): void {
    if (this.capacity === 0) return;
    const slot = this.take();
    this.events[slot] = undefined;
    this.previews[slot] = preview;
    const s = slot * STRINGS;
    const strings = this.strings;
    strings[s] = kind;
    strings[s + 1] = host;
    strings[s + 2] = from;
    strings[s + 3] = to;
    strings[s + 4] = socket;
    strings[s + 5] = reason;
    const n = slot * NUMBERS;
    this.numbers[n] = tMs;
    this.numbers[n + 1] = msg;
    this.numbers[n + 2] = bytes;
  }

  /** The last `n` lines, oldest first. */
  lines(n: number = this.size): string[] {
    const count = Math.max(0, Math.min(n, this.size));
    const out: string[] = [];
    for (let k = this.size - count; k < this.size; k++) out.push(this.line((this.next - this.size + k + this.capacity) % this.capacity));
    return out;
  }

  private take(): number {
    const slot = this.next;
    this.next = (slot + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    return slot;
  }

  private line(slot: number): string {
    const event = this.events[slot];
    const preview = this.previews[slot];
    if (typeof event === 'string') return event;
    if (event !== undefined) return lineWithPreview(event, preview);
    const s = slot * STRINGS;
    const n = slot * NUMBERS;
    const str = this.strings;
    const num = this.numbers;
    return messageLine(num[n] as number, str[s] as string, str[s + 1] as string, str[s + 2] as string, str[s + 3] as string, str[s + 4] as string, num[n + 1] as number, num[n + 2] as number, str[s + 5], preview);
  }
}
