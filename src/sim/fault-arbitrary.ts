// fast-check arbitraries for faults and fault plans, built so a failing plan shrinks to a
// minimal one: the array drops faults, windows shrink toward windowMsMin, times toward 0,
// host sets toward two hosts, rates toward 0.01, optional fields (scope, restart, oneWay)
// toward absent. Every value is drawn without fc.chain, so each field shrinks on its own.
// Realistic by default: drop and duplicate are drawn only with lossyLinks, on those links.

import fc from 'fast-check';
import { checkDenseArray, checkInteger, checkOptions, expected } from '../core/validate.js';
import { FAULT_KINDS, type Fault, type FaultKind, type FaultPlan, type LossyLinks } from './fault-plan.js';
import { feasibleKinds } from './nemesis.js';

export interface FaultArbitraryOptions {
  /** The scenario's hosts. */
  hosts: readonly string[];
  /** Faults start in [0, durationMs); windows last up to durationMs. */
  durationMs: number;
  /** Kinds to draw from. Default: every kind the hosts and links allow. */
  kinds?: readonly FaultKind[];
  /** Links declared lossy: drop and duplicate are drawn on these only (and not at all without). */
  lossyLinks?: LossyLinks;
  /** Shortest window (ms), the value windows shrink toward. Default 1. */
  windowMsMin?: number;
  /** Highest latency (ms). Default 500. */
  latencyMsMax?: number;
  /** Largest clock jump either way (ms). Default 5000. */
  clockJumpMsMax?: number;
}

export interface FaultPlanArbitraryOptions extends FaultArbitraryOptions {
  /** Most faults in a plan. Default 8. */
  faultsMax?: number;
}

/** fc.integer's bound: times and durations past it cannot be drawn. */
const INT32_MAX = 2 ** 31 - 1;
/** Most faults in a plan, steps in a workload: each case is built in memory. */
const ARBITRARY_LENGTH_MAX = 10_000;

const FAULT_OPTIONS = ['hosts', 'durationMs', 'kinds', 'lossyLinks', 'windowMsMin', 'latencyMsMax', 'clockJumpMsMax'];

/** One fault of any allowed kind. */
export function faultArbitrary(options: FaultArbitraryOptions): fc.Arbitrary<Fault> {
  checkOptions('faultArbitrary options', options, FAULT_OPTIONS);
  if (options === undefined) throw new TypeError(expected('faultArbitrary options', 'an options object { hosts, durationMs }', options));
  const o = resolve(options);
  return fc.oneof(...o.kinds.map((kind) => kindArbitrary(kind, o)));
}

/** A plan of up to faultsMax faults, sorted by atMs; shrinks toward the fewest, shortest, earliest faults. */
export function faultPlanArbitrary(options: FaultPlanArbitraryOptions): fc.Arbitrary<FaultPlan> {
  checkOptions('faultPlanArbitrary options', options, [...FAULT_OPTIONS, 'faultsMax']);
  if (options === undefined) throw new TypeError(expected('faultPlanArbitrary options', 'an options object { hosts, durationMs }', options));
  const { faultsMax = 8, ...faultOptions } = options;
  checkInteger('faultsMax', faultsMax, 0, ARBITRARY_LENGTH_MAX);
  return fc.array(faultArbitrary(faultOptions), { maxLength: faultsMax }).map((plan) => [...plan].sort((a, b) => a.atMs - b.atMs));
}

export interface WorkloadStep<T> {
  atMs: number;
  host: string;
  op: T;
}

/** A workload: up to stepsMax operations `op` issued by `hosts` over [0, durationMs), sorted by time. */
export function workloadArbitrary<T>(options: { hosts: readonly string[]; durationMs: number; op: fc.Arbitrary<T>; stepsMax?: number }): fc.Arbitrary<WorkloadStep<T>[]> {
  checkOptions('workloadArbitrary options', options, ['hosts', 'durationMs', 'op', 'stepsMax']);
  if (options === undefined) throw new TypeError(expected('workloadArbitrary options', 'an options object { hosts, durationMs, op }', options));
  if (!(options.op instanceof fc.Arbitrary)) throw new TypeError(expected('op', 'a fast-check arbitrary', options.op));
  if (options.stepsMax !== undefined) checkInteger('stepsMax', options.stepsMax, 0, ARBITRARY_LENGTH_MAX);
  const hosts = checkHosts(options.hosts);
  checkInteger('durationMs', options.durationMs, 1, INT32_MAX);
  const step = fc.record({ atMs: fc.integer({ min: 0, max: options.durationMs - 1 }), host: fc.constantFrom(...hosts), op: options.op });
  return fc.array(step, { maxLength: options.stepsMax ?? 20 }).map((steps) => [...steps].sort((a, b) => a.atMs - b.atMs));
}

interface Resolved {
  hosts: string[];
  durationMs: number;
  kinds: FaultKind[];
  lossyLinks: LossyLinks;
  windowMsMin: number;
  latencyMsMax: number;
  clockJumpMsMax: number;
}

function checkHosts(hosts: unknown): string[] {
  checkDenseArray('hosts', hosts, 'a non-empty array of host names');
  if (hosts.length === 0 || hosts.some((h) => typeof h !== 'string')) throw new TypeError(expected('hosts', 'a non-empty array of host names', hosts));
  return [...(hosts as string[])];
}

function resolve(options: FaultArbitraryOptions): Resolved {
  const hosts = checkHosts(options.hosts);
  checkInteger('durationMs', options.durationMs, 1, INT32_MAX);
  const lossyLinks = options.lossyLinks ?? [];
  const possible = feasibleKinds(hosts, lossyLinks);
  if (options.kinds !== undefined) checkDenseArray('kinds', options.kinds, 'an array of fault kinds');
  const kinds = [...(options.kinds ?? possible)];
  if (kinds.length === 0) throw new RangeError(expected('kinds', 'a non-empty array of fault kinds', kinds));
  kinds.forEach((kind, i) => {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(expected(`kinds[${i}]`, `one of ${FAULT_KINDS.map((k) => `"${k}"`).join(', ')}`, kind));
    if (!possible.includes(kind)) {
      const why = kind === 'drop' || kind === 'duplicate' ? 'a kind the links allow (drop and duplicate need lossyLinks)' : 'a kind possible with one host';
      throw new RangeError(expected(`kinds[${i}]`, why, kind));
    }
  });
  const r = {
    hosts,
    durationMs: options.durationMs,
    kinds,
    lossyLinks,
    windowMsMin: options.windowMsMin ?? 1,
    latencyMsMax: options.latencyMsMax ?? 500,
    clockJumpMsMax: options.clockJumpMsMax ?? 5000,
  };
  checkInteger('windowMsMin', r.windowMsMin, 0, r.durationMs);
  checkInteger('latencyMsMax', r.latencyMsMax, 0, INT32_MAX);
  checkInteger('clockJumpMsMax', r.clockJumpMsMax, 0, INT32_MAX);
  return r;
}

function kindArbitrary(kind: FaultKind, o: Resolved): fc.Arbitrary<Fault> {
  const atMs = fc.integer({ min: 0, max: o.durationMs - 1 });
  const durationMs = fc.integer({ min: o.windowMsMin, max: o.durationMs });
  const host = fc.constantFrom(...o.hosts);
  const rate = fc.integer({ min: 1, max: 100 }).map((percent) => percent / 100);
  switch (kind) {
    case 'partition':
      return fc.record({ atMs, durationMs, sides: sidesArbitrary(o.hosts), oneWay: fc.boolean() }).map(
        ({ atMs, durationMs, sides, oneWay }): Fault => ({ kind, atMs, durationMs, sideA: sides[0], sideB: sides[1], ...(oneWay ? { oneWay } : {}) }),
      );
    case 'disconnect':
      return fc.record({ atMs, sides: sidesArbitrary(o.hosts) }).map(({ atMs, sides }): Fault => ({ kind, atMs, sideA: sides[0], sideB: sides[1] }));
    case 'crash':
      return fc.record({ atMs, host, restartAfterMs: fc.option(fc.integer({ min: 1, max: o.durationMs }), { nil: undefined }) }).map(
        ({ atMs, host, restartAfterMs }): Fault => ({ kind, atMs, host, ...(restartAfterMs === undefined ? {} : { restartAfterMs }) }),
      );
    case 'pause':
      return fc.record({ atMs, host, durationMs }).map((f): Fault => ({ kind, ...f }));
    case 'clockJump':
      return fc.record({ atMs, host, deltaMs: fc.integer({ min: -o.clockJumpMsMax, max: o.clockJumpMsMax }) }).map((f): Fault => ({ kind, ...f }));
    case 'latency': {
      const ms = fc.integer({ min: 0, max: o.latencyMsMax });
      return fc.record({ atMs, durationMs, minMs: ms, extraMs: ms, scope: scopeArbitrary(o.hosts) }).map(
        ({ atMs, durationMs, minMs, extraMs, scope }): Fault => ({ kind, atMs, durationMs, minMs, maxMs: minMs + extraMs, ...scope }),
      );
    }
    case 'drop':
    case 'duplicate':
      return fc.record({ atMs, durationMs, rate, scope: fc.constantFrom(...o.lossyLinks) }).map(
        ({ atMs, durationMs, rate, scope }): Fault => ({ kind, atMs, durationMs, rate, ...(scope.from ? { from: [...scope.from] } : {}), ...(scope.to ? { to: [...scope.to] } : {}) }),
      );
    case 'hold':
      return fc.record({ atMs, durationMs, pair: fc.uniqueArray(host, { minLength: 2, maxLength: 2 }) }).map(
        ({ atMs, durationMs, pair }): Fault => ({ kind, atMs, durationMs, from: pair[0] as string, to: pair[1] as string }),
      );
  }
}

/** Two disjoint non-empty sides in the hosts' order: distinct members cut in two; shrinks toward two hosts. */
function sidesArbitrary(hosts: readonly string[]): fc.Arbitrary<[string[], string[]]> {
  const members = fc.uniqueArray(fc.constantFrom(...hosts), { minLength: 2, maxLength: hosts.length });
  return fc.tuple(members, fc.integer({ min: 1, max: hosts.length - 1 })).map(([list, cut]) => {
    const at = Math.min(cut, list.length - 1);
    const inA = new Set(list.slice(0, at));
    const inB = new Set(list.slice(at));
    return [hosts.filter((h) => inA.has(h)), hosts.filter((h) => inB.has(h))];
  });
}

/** Absent (every link) or a non-empty set of senders and/or receivers; shrinks toward absent. */
function scopeArbitrary(hosts: readonly string[]): fc.Arbitrary<{ from?: string[]; to?: string[] }> {
  const set = fc.option(fc.subarray([...hosts], { minLength: 1 }), { nil: undefined });
  return fc.record({ from: set, to: set }).map(({ from, to }) => ({ ...(from ? { from } : {}), ...(to ? { to } : {}) }));
}
