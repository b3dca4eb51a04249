// What the trace viewer draws, computed once in Node from the trace's JSON lines: lanes,
// each event's time, lane and kind as flat arrays (cheap to embed and to search in the
// browser), messages as arrows (send paired with deliver or drop by their `msg` id), fault
// windows, hosts' down time, and the failure to highlight. The page only renders this.

/** How an arrow is drawn. */
export const ARROW_STYLES = ['normal', 'duplicate', 'stalled', 'late', 'dropped'] as const;
export type ArrowStyle = (typeof ARROW_STYLES)[number];
const STYLE: Record<ArrowStyle, number> = { normal: 0, duplicate: 1, stalled: 2, late: 3, dropped: 4 };

/** A message is late when it took this many times the trace's median latency (and is not stalled). */
const LATE_FACTOR = 4;
/** Host-less events (fault timeline, partitions, step digests) go on this lane. */
export const NETWORK_LANE = '(network)';

export interface RunOutcome {
  ok: boolean;
  phase?: string;
  message?: string;
  scenario?: string;
  seed?: number;
  traceHash?: string;
  replay?: string;
}

export interface TraceModel {
  title: string;
  /** Lane names: NETWORK_LANE first, then hosts in order of appearance. */
  hosts: string[];
  /** Socket ids, and the host each belongs to (for socket lanes). */
  sockets: string[];
  socketHost: number[];
  kinds: string[];
  /** Per event (one per trace line, in time order): time, host index (0 = network), socket (-1 none), kind index. */
  t: number[];
  host: number[];
  socket: number[];
  kind: number[];
  /** Per arrow, sorted by start time: the send's event index, the deliver's or drop's, the style (ARROW_STYLES). */
  arrowFrom: number[];
  arrowTo: number[];
  arrowStyle: number[];
  /** Shaded windows: faults (by their start and end lines), pauses and hosts' down time; hosts null = every lane. */
  windows: { t0: number; t1: number; hosts: number[] | null; label: string; kind: string; event: number }[];
  /** The event to highlight: the first failed assertion, else the run's failure line; -1 when none. */
  failure: number;
  outcome: RunOutcome | undefined;
  tMin: number;
  tMax: number;
}

export interface TraceEventLine {
  tMs: number;
  kind: string;
  [field: string]: unknown;
}

/** Parses JSON lines; a bad line throws an Error naming its number (1-based) and what was wrong. */
export function parseTraceLines(lines: readonly string[]): TraceEventLine[] {
  const events: TraceEventLine[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${i + 1}: not JSON (${(error as Error).message}): ${line.slice(0, 80)}`, { cause: error });
    }
    const event = value as Partial<TraceEventLine> | null;
    if (event === null || typeof event !== 'object' || Array.isArray(event) || typeof event.tMs !== 'number' || !Number.isFinite(event.tMs) || typeof event.kind !== 'string') {
      throw new Error(`line ${i + 1}: expected a trace event {"tMs": <number>, "kind": <string>, ...}, got ${line.slice(0, 80)}`);
    }
    events.push(event as TraceEventLine);
  });
  return events;
}

class Index {
  readonly names: string[] = [];
  private readonly map = new Map<string, number>();
  of(name: string): number {
    let i = this.map.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.map.set(name, i);
    }
    return i;
  }
}

/** Every host a fault or partition line names (host, sideA, sideB, from, to, pair). */
function namedHosts(event: TraceEventLine): string[] {
  const out: string[] = [];
  for (const key of ['host', 'sideA', 'sideB', 'from', 'to', 'pair', 'hosts']) {
    const value = event[key];
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** Builds the model of `events` (in time order, as a trace is written). */
function buildTraceModel(events: readonly TraceEventLine[], title: string): TraceModel {
  const hosts = new Index();
  hosts.of(NETWORK_LANE);
  const sockets = new Index();
  const kinds = new Index();
  const socketHost: number[] = [];
  const model: TraceModel = {
    title, hosts: hosts.names, sockets: sockets.names, socketHost, kinds: kinds.names,
    t: [], host: [], socket: [], kind: [], arrowFrom: [], arrowTo: [], arrowStyle: [], windows: [],
    failure: -1, outcome: undefined, tMin: 0, tMax: 0,
  };
  const sendOf = new Map<number, number>();
  const delivered = new Set<number>();
  const openFaults = new Map<number, number>();
  const downSince = new Map<number, number>();
  events.forEach((e, i) => {
    const host = typeof e.host === 'string' ? hosts.of(e.host) : 0;
    let socket = -1;
    if (typeof e.socket === 'string' && host > 0) {
      socket = sockets.of(e.socket);
      socketHost[socket] = host;
    }
    model.t.push(e.tMs);
    model.host.push(host);
    model.socket.push(socket);
    model.kind.push(kinds.of(e.kind));
    if (e.kind === 'fault') for (const name of namedHosts(e)) if (name !== e.host) hosts.of(name);
    const msg = typeof e.msg === 'number' ? e.msg : undefined;
    if (msg !== undefined && e.kind === 'send' && !sendOf.has(msg)) sendOf.set(msg, i);
    else if (msg !== undefined && (e.kind === 'deliver' || e.kind === 'drop')) {
      const from = sendOf.get(msg);
      if (from !== undefined) {
        const again = e.kind === 'deliver' && delivered.has(msg);
        if (e.kind === 'deliver') delivered.add(msg);
        model.arrowFrom.push(from);
        model.arrowTo.push(i);
        model.arrowStyle.push(e.kind === 'drop' ? STYLE.dropped : again ? STYLE.duplicate : STYLE.normal);
      }
    }
    windowsAt(model, events, i, host, openFaults, downSince);
    if (model.failure < 0 && e.kind.endsWith('-failed')) model.failure = i;
    if (e.kind === 'result') model.outcome = outcomeOf(e);
  });
  const tEnd = model.t.length > 0 ? (model.t[model.t.length - 1] as number) : 0;
  model.tMin = model.t.length > 0 ? (model.t[0] as number) : 0;
  model.tMax = Math.max(tEnd, model.tMin + 1);
  for (const [index, start] of openFaults) closeWindow(model, events, index, start, model.tMax);
  for (const [host, start] of downSince) model.windows.push({ t0: model.t[start] as number, t1: model.tMax, hosts: [host], label: 'down', kind: 'down', event: start });
  if (model.failure < 0 && model.outcome && !model.outcome.ok) model.failure = model.kind.lastIndexOf(kinds.names.indexOf('result'));
  markStalledAndLate(model, events);
  sortArrows(model);
  return model;
}

function windowsAt(model: TraceModel, events: readonly TraceEventLine[], i: number, host: number, openFaults: Map<number, number>, downSince: Map<number, number>): void {
  const e = events[i] as TraceEventLine;
  if (e.kind === 'fault' && typeof e.index === 'number') {
    if (e.phase === 'start' && e.skipped === undefined) openFaults.set(e.index, i);
    else if (e.phase === 'end' && openFaults.has(e.index)) {
      closeWindow(model, events, e.index, openFaults.get(e.index) as number, e.tMs);
      openFaults.delete(e.index);
    }
  } else if (e.kind === 'crash' && host > 0) {
    if (!downSince.has(host)) downSince.set(host, i);
  } else if ((e.kind === 'start' || e.kind === 'restart') && host > 0 && downSince.has(host)) {
    const start = downSince.get(host) as number;
    model.windows.push({ t0: model.t[start] as number, t1: e.tMs, hosts: [host], label: 'down', kind: 'down', event: start });
    downSince.delete(host);
  } else if (e.kind === 'pause' && host > 0 && typeof e.ms === 'number') {
    model.windows.push({ t0: e.tMs, t1: e.tMs + e.ms, hosts: [host], label: `pause ${e.ms}ms`, kind: 'pause', event: i });
  }
}

// The fault's start line carries the whole fault: its kind and hosts label the window.
function closeWindow(model: TraceModel, events: readonly TraceEventLine[], index: number, start: number, t1: number): void {
  const e = events[start];
  const names = e ? namedHosts(e) : [];
  const hosts = names.length > 0 ? [...new Set(names.map((n) => model.hosts.indexOf(n)).filter((h) => h > 0))] : null;
  const kind = e && typeof e.fault === 'string' ? e.fault : 'fault';
  model.windows.push({ t0: model.t[start] as number, t1, hosts, label: `faults[${index}] ${kind}`, kind, event: start });
}

/**
 * A delivery is stalled when its link stalled (a `stall` or `hold` line) and first delivered
 * again between the message's send and its delivery: it waited out a partition or a held link.
 * Of the rest, one that took LATE_FACTOR times the median latency is late.
 */
function markStalledAndLate(model: TraceModel, events: readonly TraceEventLine[]): void {
  const linkOf = (e: TraceEventLine): string => `${String(e.from)}>${String(e.socket)}`;
  const resumes = new Map<string, number[]>();
  const stalledSince = new Map<string, boolean>();
  events.forEach((e) => {
    if (e.kind === 'stall' || e.kind === 'hold') stalledSince.set(linkOf(e), true);
    else if (e.kind === 'deliver' && stalledSince.get(linkOf(e))) {
      stalledSince.delete(linkOf(e));
      const list = resumes.get(linkOf(e)) ?? [];
      list.push(e.tMs);
      resumes.set(linkOf(e), list);
    }
  });
  const latencies: number[] = [];
  for (let a = 0; a < model.arrowFrom.length; a++) {
    if (model.arrowStyle[a] !== STYLE.normal) continue;
    const sendT = model.t[model.arrowFrom[a] as number] as number;
    const deliver = events[model.arrowTo[a] as number] as TraceEventLine;
    const list = resumes.get(linkOf(deliver));
    if (list && list.some((r) => r > sendT && r <= deliver.tMs)) model.arrowStyle[a] = STYLE.stalled;
    else latencies.push(deliver.tMs - sendT);
  }
  if (latencies.length === 0) return;
  const median = [...latencies].sort((x, y) => x - y)[Math.floor(latencies.length / 2)] as number;
  for (let a = 0; a < model.arrowFrom.length; a++) {
    if (model.arrowStyle[a] !== STYLE.normal) continue;
    const latency = (model.t[model.arrowTo[a] as number] as number) - (model.t[model.arrowFrom[a] as number] as number);
    if (latency > LATE_FACTOR * median && latency > median + 1) model.arrowStyle[a] = STYLE.late;
  }
}

function sortArrows(model: TraceModel): void {
  const order = model.arrowFrom.map((_, a) => a);
  order.sort((a, b) => (model.t[model.arrowFrom[a] as number] as number) - (model.t[model.arrowFrom[b] as number] as number) || a - b);
  model.arrowFrom = order.map((a) => model.arrowFrom[a] as number);
  model.arrowTo = order.map((a) => model.arrowTo[a] as number);
  model.arrowStyle = order.map((a) => model.arrowStyle[a] as number);
}

function outcomeOf(e: TraceEventLine): RunOutcome {
  const text = (key: string): string | undefined => (typeof e[key] === 'string' ? (e[key] as string) : undefined);
  return {
    ok: e.ok === true,
    ...(text('phase') ? { phase: text('phase') } : {}),
    ...(text('message') ? { message: text('message') } : {}),
    ...(text('scenario') ? { scenario: text('scenario') } : {}),
    ...(typeof e.seed === 'number' ? { seed: e.seed } : {}),
    ...(text('traceHash') ? { traceHash: text('traceHash') } : {}),
    ...(text('replay') ? { replay: text('replay') } : {}),
  };
}

/**
 * The model of a trace's JSON lines, and the lines in the model's order (by time; a trace is
 * written in time order, so this only sorts a file put together by hand). Throws on a bad line.
 */
export function traceModel(lines: readonly string[], title: string): { model: TraceModel; lines: string[] } {
  const kept = lines.filter((line) => line.trim() !== '');
  let events = parseTraceLines(kept);
  let ordered = kept;
  if (events.some((e, i) => i > 0 && e.tMs < (events[i - 1] as TraceEventLine).tMs)) {
    const order = events.map((_, i) => i).sort((a, b) => (events[a] as TraceEventLine).tMs - (events[b] as TraceEventLine).tMs || a - b);
    events = order.map((i) => events[i] as TraceEventLine);
    ordered = order.map((i) => kept[i] as string);
  }
  return { model: buildTraceModel(events, title), lines: ordered };
}
