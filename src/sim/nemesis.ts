// The random nemesis: a fault plan drawn from a seeded random alone, so a seed names the plan.
// Swarm mode (TigerBeetle's swarm testing) first draws the nemesis options themselves: a random
// subset of fault kinds with random weights and intensities per seed. Any one seed then hits a
// few kinds hard instead of every kind a little, which finds bugs that a uniform mix dilutes.
// Both draw realistic faults by default: partitions and holds (stalls), disconnects, crashes,
// pauses, clock jumps and latency. Per-message drop and duplicate are drawn only when lossy
// links are declared, and then only on those links.

import type { RandomPort } from '../core/ports.js';
import { checkDenseArray, checkInteger, checkNonEmptyString, checkNonNegative, checkOptions, checkRandomPort, checkRange, expected } from '../core/validate.js';
import { checkLossyLinks } from './fault-plan-check.js';
import { FAULT_KINDS, LOSSY_KINDS, type Fault, type FaultKind, type FaultPlan, type LossyLinks } from './fault-plan.js';

export interface NemesisOptions {
  /** The scenario's hosts. */
  hosts: readonly string[];
  /** Faults start in [0, durationMs) and every window closes by durationMs. */
  durationMs: number;
  /**
   * Kinds to draw from. Default: every kind the hosts and links allow (partition, disconnect and
   * hold need two hosts; drop and duplicate need lossyLinks).
   */
  kinds?: readonly FaultKind[];
  /** Links declared lossy: drop and duplicate faults are drawn on these only. Default none. */
  lossyLinks?: LossyLinks;
  /** Relative frequency of each kind (default 1). */
  weights?: Partial<Record<FaultKind, number>>;
  /** Fewest faults in a plan. Default 1. */
  faultsMin?: number;
  /** Most faults in a plan. Default 8. */
  faultsMax?: number;
  /** Shortest window (ms). Default min(10, durationMs). */
  windowMsMin?: number;
  /** Longest window (ms). Default durationMs / 2. */
  windowMsMax?: number;
  /** Highest drop rate. Default 0.5. */
  dropRateMax?: number;
  /** Highest duplicate rate. Default 0.5. */
  duplicateRateMax?: number;
  /** Highest added latency (ms). Default 500. */
  latencyMsMax?: number;
  /** Largest clock jump either way (ms). Default 5000. */
  clockJumpMsMax?: number;
  /** Probability that a crashed host restarts within the plan. Default 0.8. */
  restartProbability?: number;
  /** Probability that a link fault applies to some links only rather than to all. Default 0.5. */
  scopedProbability?: number;
  /** Probability that a partition is one-way. Default 0.3. */
  oneWayProbability?: number;
}

const OPTION_NAMES = [
  'hosts', 'durationMs', 'kinds', 'lossyLinks', 'weights', 'faultsMin', 'faultsMax', 'windowMsMin', 'windowMsMax', 'dropRateMax',
  'duplicateRateMax', 'latencyMsMax', 'clockJumpMsMax', 'restartProbability', 'scopedProbability', 'oneWayProbability',
] as const;

/** Most faults one drawn plan may hold: a plan is built in memory, and 2e9 faults would exhaust it. */
export const NEMESIS_FAULTS_MAX = 10_000;

/** The random port draws integers up to this: larger bounds are refused up front, named. */
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

type Resolved = Required<Omit<NemesisOptions, 'weights' | 'kinds'>> & { kinds: FaultKind[]; weights: number[] };

/** Kinds that need two distinct hosts. */
const PAIR_KINDS: readonly FaultKind[] = ['partition', 'disconnect', 'hold'];

/** The kinds a set of hosts and lossy links allows: drop and duplicate only with lossy links. */
export function feasibleKinds(hosts: readonly string[], lossyLinks: LossyLinks = []): FaultKind[] {
  checkHostNames(hosts);
  checkLossyLinks('lossyLinks', lossyLinks, hosts);
  return FAULT_KINDS.filter((kind) => (hosts.length >= 2 || !PAIR_KINDS.includes(kind)) && (lossyLinks.length > 0 || !LOSSY_KINDS.includes(kind)));
}

function checkHostNames(hosts: unknown): asserts hosts is readonly string[] {
  checkDenseArray('hosts', hosts, 'a non-empty array of host names');
  if (hosts.length === 0) throw new RangeError(expected('hosts', 'a non-empty array of host names', hosts));
  hosts.forEach((host, i) => checkNonEmptyString(`hosts[${i}]`, host));
}

function whyInfeasible(kind: FaultKind): string {
  return LOSSY_KINDS.includes(kind) ? 'a kind the links allow (drop and duplicate need lossyLinks)' : 'a kind possible with one host';
}

/** A random fault plan, sorted by atMs. Same random state and options, same plan. */
export function randomFaultPlan(random: RandomPort, options: NemesisOptions): FaultPlan {
  checkRandomPort('random', random);
  const o = resolve(options);
  const count = random.int(o.faultsMin, o.faultsMax);
  const plan: FaultPlan = [];
  for (let i = 0; i < count; i++) plan.push(randomFault(random, o, pickWeighted(random, o.kinds, o.weights)));
  // A stable sort: equal atMs keep draw order, so the plan stays a function of the seed.
  return plan.sort((a, b) => a.atMs - b.atMs);
}

function resolve(options: NemesisOptions): Resolved {
  checkOptions('nemesis options', options, OPTION_NAMES);
  if (options === undefined) throw new TypeError(expected('nemesis options', 'an options object { hosts, durationMs }', options));
  const { hosts, durationMs } = options;
  checkHostNames(hosts);
  checkInteger('durationMs', durationMs, 1);
  if (durationMs > SAFE_MAX) throw new RangeError(expected('durationMs', `an integer <= ${SAFE_MAX}`, durationMs));
  const lossyLinks = options.lossyLinks ?? [];
  const feasible = feasibleKinds(hosts, lossyLinks);
  // A string would spread into its letters: 'crash' is not ['crash'].
  if (options.kinds !== undefined) checkDenseArray('kinds', options.kinds, 'an array of fault kinds');
  if (options.weights !== undefined) checkOptions('weights', options.weights, FAULT_KINDS);
  const kinds = [...(options.kinds ?? feasible)];
  if (kinds.length === 0) throw new RangeError(expected('kinds', 'a non-empty array of fault kinds', kinds));
  for (const [i, kind] of kinds.entries()) {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(expected(`kinds[${i}]`, `one of ${FAULT_KINDS.map((k) => `"${k}"`).join(', ')}`, kind));
    if (!feasible.includes(kind)) throw new RangeError(expected(`kinds[${i}]`, whyInfeasible(kind), kind));
  }
  // Checked before the defaults derived from them.
  if (options.faultsMax !== undefined) checkInteger('faultsMax', options.faultsMax, 0, NEMESIS_FAULTS_MAX);
  if (options.faultsMin !== undefined) checkInteger('faultsMin', options.faultsMin, 0, NEMESIS_FAULTS_MAX);
  if (options.windowMsMin !== undefined) checkInteger('windowMsMin', options.windowMsMin, 0, durationMs);
  const weights = kinds.map((kind) => options.weights?.[kind] ?? 1);
  weights.forEach((w, i) => checkNonNegative(`weights.${kinds[i]}`, w));
  if (!weights.some((w) => w > 0)) throw new RangeError(expected('weights', 'at least one weight > 0', 0));
  const r: Resolved = {
    hosts: [...hosts],
    durationMs,
    kinds,
    lossyLinks: [...lossyLinks],
    weights,
    faultsMin: options.faultsMin ?? Math.min(1, options.faultsMax ?? 1),
    faultsMax: options.faultsMax ?? Math.max(8, typeof options.faultsMin === 'number' ? options.faultsMin : 0),
    windowMsMin: options.windowMsMin ?? Math.min(10, durationMs),
    // Never below the shortest window: with durationMs 2 the shortest is 2 and half of it is 1.
    windowMsMax: options.windowMsMax ?? Math.max(1, Math.floor(durationMs / 2), options.windowMsMin ?? Math.min(10, durationMs)),
    dropRateMax: options.dropRateMax ?? 0.5,
    duplicateRateMax: options.duplicateRateMax ?? 0.5,
    latencyMsMax: options.latencyMsMax ?? 500,
    clockJumpMsMax: options.clockJumpMsMax ?? 5000,
    restartProbability: options.restartProbability ?? 0.8,
    scopedProbability: options.scopedProbability ?? 0.5,
    oneWayProbability: options.oneWayProbability ?? 0.3,
  };
  checkInteger('faultsMin', r.faultsMin, 0, NEMESIS_FAULTS_MAX);
  checkInteger('faultsMax', r.faultsMax, r.faultsMin, NEMESIS_FAULTS_MAX);
  checkInteger('windowMsMin', r.windowMsMin, 0, durationMs);
  checkInteger('windowMsMax', r.windowMsMax, r.windowMsMin, SAFE_MAX);
  for (const name of ['dropRateMax', 'duplicateRateMax', 'restartProbability', 'scopedProbability', 'oneWayProbability'] as const) {
    checkRange(name, r[name], 0, 1);
  }
  checkInteger('latencyMsMax', r.latencyMsMax, 0, SAFE_MAX);
  checkInteger('clockJumpMsMax', r.clockJumpMsMax, 0, SAFE_MAX);
  return r;
}

function pickWeighted<T>(random: RandomPort, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = random.float() * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] as number;
    if (x < 0 && (weights[i] as number) > 0) return items[i] as T;
  }
  // Rounding can leave x at exactly 0 after the loop: the last positive weight wins.
  for (let i = items.length - 1; ; i--) if ((weights[i] as number) > 0) return items[i] as T;
}

/** A rate in (0, max], on a 0.01 grid so a printed plan stays readable. */
function rate(random: RandomPort, max: number): number {
  const steps = Math.max(1, Math.floor(max * 100));
  return random.int(1, steps) / 100;
}

function randomFault(random: RandomPort, o: Resolved, kind: FaultKind): Fault {
  const atMs = random.int(0, o.durationMs - 1);
  const roomMs = o.durationMs - atMs;
  const window = (): number => {
    const lo = Math.min(o.windowMsMin, roomMs);
    return random.int(lo, Math.max(lo, Math.min(o.windowMsMax, roomMs)));
  };
  const host = (): string => random.pick(o.hosts);
  switch (kind) {
    case 'partition': {
      const [sideA, sideB] = randomSides(random, o.hosts);
      const oneWay = random.bool(o.oneWayProbability);
      return { kind, atMs, durationMs: window(), sideA, sideB, ...(oneWay ? { oneWay } : {}) };
    }
    case 'disconnect': {
      const [sideA, sideB] = randomSides(random, o.hosts);
      return { kind, atMs, sideA, sideB };
    }
    case 'crash': {
      const restarts = random.bool(o.restartProbability);
      return { kind, atMs, host: host(), ...(restarts ? { restartAfterMs: window() } : {}) };
    }
    case 'pause':
      return { kind, atMs, host: host(), durationMs: window() };
    case 'clockJump': {
      const deltaMs = random.int(-o.clockJumpMsMax, o.clockJumpMsMax);
      return { kind, atMs, host: host(), deltaMs };
    }
    case 'latency': {
      const minMs = random.int(0, o.latencyMsMax);
      const maxMs = random.int(minMs, o.latencyMsMax);
      return { kind, atMs, durationMs: window(), minMs, maxMs, ...randomScope(random, o) };
    }
    case 'drop':
      return { kind, atMs, durationMs: window(), rate: rate(random, o.dropRateMax), ...lossyScope(random, o) };
    case 'duplicate':
      return { kind, atMs, durationMs: window(), rate: rate(random, o.duplicateRateMax), ...lossyScope(random, o) };
    case 'hold': {
      const [from, to] = random.shuffle([...o.hosts]) as [string, string];
      return { kind, atMs, durationMs: window(), from, to };
    }
  }
}

/** Two non-empty disjoint sides, each in the hosts' order. */
function randomSides(random: RandomPort, hosts: readonly string[]): [string[], string[]] {
  const shuffled = random.shuffle([...hosts]);
  const cut = random.int(1, hosts.length - 1);
  const inA = new Set(shuffled.slice(0, cut));
  // Usually the rest of the cluster; sometimes only part of it (the others still reach both sides).
  const rest = shuffled.slice(cut);
  const keep = random.bool(0.7) ? rest.length : random.int(1, rest.length);
  const inB = new Set(rest.slice(0, keep));
  return [hosts.filter((h) => inA.has(h)), hosts.filter((h) => inB.has(h))];
}

function randomScope(random: RandomPort, o: Resolved): { from?: string[]; to?: string[] } {
  if (o.hosts.length < 2 || !random.bool(o.scopedProbability)) return {};
  const which = random.int(0, 2);
  const from = [random.pick(o.hosts)];
  const to = [random.pick(o.hosts.filter((h) => h !== from[0]))];
  return which === 0 ? { from } : which === 1 ? { to } : { from, to };
}

/** Drop and duplicate act on one declared lossy link scope, as declared (so always within the lossy links). */
function lossyScope(random: RandomPort, o: Resolved): { from?: string[]; to?: string[] } {
  const scope = random.pick(o.lossyLinks);
  return { ...(scope.from ? { from: [...scope.from] } : {}), ...(scope.to ? { to: [...scope.to] } : {}) };
}

/** Swarm mode: nemesis options drawn per seed. Same random state, same options. */
export function swarmOptions(random: RandomPort, hosts: readonly string[], durationMs: number, lossyLinks: LossyLinks = []): NemesisOptions {
  checkRandomPort('random', random);
  checkInteger('durationMs', durationMs, 1);
  const feasible = feasibleKinds(hosts, lossyLinks);
  let kinds = feasible.filter(() => random.bool(0.5));
  if (kinds.length === 0) kinds = [random.pick(feasible)];
  const weights: Partial<Record<FaultKind, number>> = {};
  for (const kind of kinds) weights[kind] = random.int(1, 4);
  const windowMsMin = Math.min(10, durationMs);
  return {
    hosts: [...hosts],
    durationMs,
    kinds,
    lossyLinks: [...lossyLinks],
    weights,
    faultsMin: 1,
    faultsMax: random.int(1, 12),
    windowMsMin,
    windowMsMax: random.int(windowMsMin, Math.max(windowMsMin, durationMs)),
    dropRateMax: random.int(5, 100) / 100,
    duplicateRateMax: random.int(5, 100) / 100,
    latencyMsMax: random.int(1, 1000),
    clockJumpMsMax: random.int(1, 10_000),
    restartProbability: random.int(0, 10) / 10,
    scopedProbability: random.int(0, 10) / 10,
    oneWayProbability: random.int(0, 10) / 10,
  };
}

/** Swarm options and the plan they give, each from its own fork of `random`. */
export function swarmFaultPlan(random: RandomPort, hosts: readonly string[], durationMs: number, lossyLinks: LossyLinks = []): { options: NemesisOptions; plan: FaultPlan } {
  const options = swarmOptions(random.fork('swarm'), hosts, durationMs, lossyLinks);
  return { options, plan: randomFaultPlan(random.fork('nemesis'), options) };
}

/** One line naming the kinds, weights and the intensities that matter for them; printed before a swarm run. */
export function describeSwarm(options: NemesisOptions): string {
  resolve(options);
  const kinds = options.kinds ?? feasibleKinds(options.hosts, options.lossyLinks);
  const parts = [`kinds=${kinds.map((k) => `${k}:${options.weights?.[k] ?? 1}`).join(',')}`];
  parts.push(`faults=${options.faultsMin ?? 1}..${options.faultsMax ?? 8}`);
  const windowed = kinds.some((k) => k !== 'clockJump');
  if (windowed && options.windowMsMax !== undefined) parts.push(`windows=${options.windowMsMin ?? 0}..${options.windowMsMax}ms`);
  if (kinds.includes('drop') || kinds.includes('duplicate')) parts.push(`lossy=${describeLossy(options.lossyLinks ?? [])}`);
  if (kinds.includes('drop')) parts.push(`drop<=${options.dropRateMax ?? 0.5}`);
  if (kinds.includes('duplicate')) parts.push(`duplicate<=${options.duplicateRateMax ?? 0.5}`);
  if (kinds.includes('latency')) parts.push(`latency<=${options.latencyMsMax ?? 500}ms`);
  if (kinds.includes('clockJump')) parts.push(`clockJump<=${options.clockJumpMsMax ?? 5000}ms`);
  if (kinds.includes('crash')) parts.push(`restart=${options.restartProbability ?? 0.8}`);
  if (kinds.includes('partition')) parts.push(`oneWay=${options.oneWayProbability ?? 0.3}`);
  if (kinds.includes('latency')) parts.push(`scoped=${options.scopedProbability ?? 0.5}`);
  return `swarm: ${parts.join(' ')} over ${options.durationMs}ms on ${options.hosts.length} hosts`;
}

/** `client->server;*->gateway`: the declared lossy links, compactly. */
export function describeLossy(lossyLinks: LossyLinks): string {
  if (lossyLinks.length === 0) return 'none';
  const side = (hosts: readonly string[] | undefined): string => (hosts === undefined ? '*' : hosts.join(','));
  return lossyLinks.map((l) => `${side(l.from)}->${side(l.to)}`).join(';');
}
