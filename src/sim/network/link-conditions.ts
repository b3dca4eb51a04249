// Per-link conditions: latency, loss, duplication, reordering, partitions and holds for each
// directed host pair. A Link caches its resolved conditions and recomputes them only when
// the table's version moves, so the per-message cost is one integer compare.

import type { RandomPort } from '../../core/ports.js';
import { checkNonNegative, checkOneOf, checkOptions, checkRange, describe } from '../../core/validate.js';

export type LatencyDistribution = 'uniform' | 'exponential' | 'normal';

export interface LinkConditions {
  /** Delivery delay per message, in ms. Default: 1 ms fixed between hosts, 0.125 ms within a host. */
  latencyMs?: { min: number; max: number; distribution?: LatencyDistribution };
  /** Probability (0..1) that a message is lost: a lossy link (tcp and ipc never lose one on a live connection). */
  dropRate?: number;
  /** Probability (0..1) that a message is delivered twice: a lossy link (tcp and ipc never do). */
  duplicateRate?: number;
  /** false (default): per-connection FIFO, like TCP; true: jitter may reorder messages. */
  reorder?: boolean;
}

export interface LinkScope {
  from?: string | string[];
  to?: string | string[];
}

export const DEFAULT_LATENCY_MS = 1;
/** Within one host (loopback, ipc, inproc): fast, and no network fault applies unless scoped to it explicitly. */
export const LOCAL_LATENCY_MS = 0.125;

/** Something parked on a held or partitioned link, resumed in order when the link flows again. */
export interface Parkable {
  resume(): void;
}

interface ScopedConditions {
  from: Set<string> | undefined;
  to: Set<string> | undefined;
  conditions: LinkConditions;
}

interface Partition {
  a: Set<string>;
  b: Set<string>;
  oneWay: boolean;
}

const DISTRIBUTIONS: readonly LatencyDistribution[] = ['uniform', 'exponential', 'normal'];

export function checkLinkConditions(conditions: unknown): asserts conditions is LinkConditions {
  checkOptions('link conditions', conditions, ['latencyMs', 'dropRate', 'duplicateRate', 'reorder']);
  if (conditions === undefined) throw new TypeError(`link conditions: expected an options object, got undefined`);
  const c = conditions as LinkConditions;
  if (c.latencyMs !== undefined) {
    checkOptions('latencyMs', c.latencyMs, ['min', 'max', 'distribution']);
    checkNonNegative('latencyMs.min', c.latencyMs.min);
    checkNonNegative('latencyMs.max', c.latencyMs.max);
    if (c.latencyMs.max < c.latencyMs.min) {
      throw new RangeError(`latencyMs.max: expected a number >= latencyMs.min (${c.latencyMs.min}), got ${c.latencyMs.max}`);
    }
    if (c.latencyMs.distribution !== undefined) checkOneOf('latencyMs.distribution', c.latencyMs.distribution, DISTRIBUTIONS);
  }
  if (c.dropRate !== undefined) checkRange('dropRate', c.dropRate, 0, 1);
  if (c.duplicateRate !== undefined) checkRange('duplicateRate', c.duplicateRate, 0, 1);
  if (c.reorder !== undefined && typeof c.reorder !== 'boolean') throw new TypeError(`reorder: expected a boolean, got ${describe(c.reorder)}`);
}

function hostSet(name: string, value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((h) => typeof h !== 'string')) {
    throw new TypeError(`${name}: expected a host name or an array of host names, got ${describe(value)}`);
  }
  return new Set(list);
}

/** One directed host pair. Fields are the resolved conditions; read them after `refresh`. */
export class Link {
  version = -1;
  latencyMin = DEFAULT_LATENCY_MS;
  latencySpan = 0;
  distribution: LatencyDistribution = 'uniform';
  dropRate = 0;
  duplicateRate = 0;
  reorder = false;
  partitioned = false;
  held = false;
  parked: Parkable[] = [];

  constructor(
    readonly from: string,
    readonly to: string,
  ) {}

  /** Delivery delay of one message, in ms. */
  sampleLatency(random: RandomPort): number {
    const span = this.latencySpan;
    if (span === 0) return this.latencyMin;
    const u = random.float();
    let offset: number;
    if (this.distribution === 'uniform') offset = u * span;
    else if (this.distribution === 'exponential') offset = Math.min(span, -Math.log(1 - u) * (span / 4));
    else {
      // Box-Muller; mean at the middle, 3 standard deviations to each bound, clamped.
      const v = random.float();
      const z = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
      offset = Math.min(span, Math.max(0, span / 2 + (z * span) / 6));
    }
    return this.latencyMin + offset;
  }
}

/** Conditions, partitions and holds over every directed host pair. */
export class LinkTable {
  private version = 0;
  private global: LinkConditions = {};
  private scoped: ScopedConditions[] = [];
  private partitions: Partition[] = [];
  private readonly links = new Map<string, Map<string, Link>>();

  link(from: string, to: string): Link {
    let row = this.links.get(from);
    if (!row) this.links.set(from, (row = new Map()));
    let link = row.get(to);
    if (!link) row.set(to, (link = new Link(from, to)));
    return link;
  }

  /** Brings a link's resolved conditions up to date (cheap when nothing changed). */
  current(link: Link): Link {
    if (link.version !== this.version) this.resolve(link);
    return link;
  }

  setConditions(conditions: LinkConditions, scope?: LinkScope): void {
    checkLinkConditions(conditions);
    if (scope === undefined) {
      this.global = { ...conditions };
    } else {
      checkOptions('scope', scope, ['from', 'to']);
      this.scoped.push({ from: hostSet('scope.from', scope.from), to: hostSet('scope.to', scope.to), conditions: { ...conditions } });
    }
    this.version++;
  }

  clearConditions(): void {
    this.global = {};
    this.scoped = [];
    this.version++;
  }

  partition(sideA: string[], sideB: string[], oneWay: boolean): void {
    const a = hostSet('sideA', sideA) as Set<string>;
    const b = hostSet('sideB', sideB) as Set<string>;
    if (!Array.isArray(sideA) || !Array.isArray(sideB)) throw new TypeError(`partition: expected two arrays of host names`);
    this.partitions.push({ a, b, oneWay });
    this.version++;
  }

  repair(): void {
    this.partitions = [];
    this.version++;
  }

  /** Replaces every partition at once, so a link cut before and after is never seen healed between. */
  setPartitions(partitions: readonly { sideA: string[]; sideB: string[]; oneWay: boolean }[]): void {
    this.partitions = partitions.map((p) => ({ a: hostSet('sideA', p.sideA) as Set<string>, b: hostSet('sideB', p.sideB) as Set<string>, oneWay: p.oneWay }));
    this.version++;
  }

  get hasPartitions(): boolean {
    return this.partitions.length > 0;
  }

  /** Resumes, in order, what waits on every link that is neither partitioned nor held any more. */
  resumeFlowing(): void {
    for (const row of this.links.values()) {
      for (const link of row.values()) {
        if (link.parked.length === 0) continue;
        this.current(link);
        if (link.partitioned || link.held) continue;
        const parked = link.parked;
        link.parked = [];
        for (const item of parked) item.resume();
      }
    }
  }

  private resolve(link: Link): void {
    const local = link.from === link.to;
    const merged: LinkConditions = local ? {} : { ...this.global };
    for (const s of this.scoped) {
      const fromOk = s.from ? s.from.has(link.from) : !local;
      const toOk = s.to ? s.to.has(link.to) : !local;
      if (fromOk && toOk) Object.assign(merged, definedOnly(s.conditions));
    }
    const latency = merged.latencyMs;
    link.latencyMin = latency ? latency.min : local ? LOCAL_LATENCY_MS : DEFAULT_LATENCY_MS;
    link.latencySpan = latency ? latency.max - latency.min : 0;
    link.distribution = latency?.distribution ?? 'uniform';
    link.dropRate = merged.dropRate ?? 0;
    link.duplicateRate = merged.duplicateRate ?? 0;
    link.reorder = merged.reorder ?? false;
    link.partitioned = !local && this.partitions.some((p) => (p.a.has(link.from) && p.b.has(link.to)) || (!p.oneWay && p.b.has(link.from) && p.a.has(link.to)));
    link.version = this.version;
  }
}

function definedOnly(conditions: LinkConditions): LinkConditions {
  const out: LinkConditions = {};
  if (conditions.latencyMs !== undefined) out.latencyMs = conditions.latencyMs;
  if (conditions.dropRate !== undefined) out.dropRate = conditions.dropRate;
  if (conditions.duplicateRate !== undefined) out.duplicateRate = conditions.duplicateRate;
  if (conditions.reorder !== undefined) out.reorder = conditions.reorder;
  return out;
}
