// Runs a fault plan on a simulation: each fault starts at its atMs and its window ends
// durationMs later, on kernel events owned by the nemesis (never by a host, so a crash
// does not drop them). Windows may overlap, so the injector keeps the set of active link
// faults, partitions and holds, and at every start and end recomputes the network state
// from the base conditions plus every window still open: one window ending never cancels
// another one still open.

import { checkDenseArray, checkOptions, checkString, expected } from '../core/validate.js';
import { checkFaultPlan, hostsNamedIn } from './fault-plan-check.js';
import { windowEndMs, type Fault, type FaultPlan, type LossyLinks } from './fault-plan.js';

export { faultsEndMs } from './fault-plan.js';
import type { LinkConditions, LinkScope } from './network/link-conditions.js';
import { composeLinks, namesOf, type ScopedConditions } from './link-composition.js';

/** Conditions set on the network before the plan, restored under every window (e.g. a scenario's base latency). */
export type BaseConditions = ScopedConditions;

/** What the injector needs of a simulation (Simulation satisfies it). */
export interface FaultTarget {
  readonly kernel: {
    now(): number;
    schedule(deadlineMs: number, callback: () => void, owner?: unknown): unknown;
    cancel(task: any): boolean;
  };
  readonly network: {
    setLinkConditions(conditions: LinkConditions, scope?: LinkScope): void;
    clearLinkConditions(): void;
    partition(sideA: string[], sideB: string[], options?: { oneWay?: boolean }): void;
    repair(): void;
    /** Replaces every partition at once (a link cut before and after never heals in between). */
    setPartitions(partitions: readonly { sideA: string[]; sideB: string[]; oneWay?: boolean }[]): void;
    disconnect(sideA: string[], sideB: string[]): number;
    hold(from: string, to: string): void;
    release(from: string, to: string): void;
  };
  /** When given, a pause or crash of a host that is already down is skipped (and says so in the trace). */
  readonly hosts?: ReadonlyMap<string, { readonly alive: boolean }>;
  readonly trace: { record(event: { tMs: number; kind: string; host?: string; [field: string]: unknown }): void };
  crash(host: string): void;
  restart(host: string): void;
  pause(host: string, durationMs: number): void;
  clockJump(host: string, deltaMs: number): void;
}

export interface ApplyFaultPlanOptions {
  /** The simulation's hosts: every host a fault names must be one. Default: not checked. */
  hosts?: readonly string[];
  /** Links declared lossy: drop and duplicate faults may act only on these. Default none. */
  lossyLinks?: LossyLinks;
  /** Conditions the network has outside fault windows; re-applied under the windows. Default none. */
  base?: readonly BaseConditions[];
  /** Owner of the injector's kernel events. Default NEMESIS_OWNER. */
  owner?: object;
}

/**
 * Owner of the injector's kernel events: not a host's incarnation, so a crash never drops them
 * and a pause never defers them; an object, not a string, so it can never name a host.
 */
export const NEMESIS_OWNER: object = Object.freeze({ name: 'nemesis' });

type LinkFault = Extract<Fault, { kind: 'latency' | 'drop' | 'duplicate' }>;
type PartitionFault = Extract<Fault, { kind: 'partition' }>;

/** A running plan: what is active now, and a way to end it all. */
export class FaultInjection {
  private readonly tasks = new Set<unknown>();
  private readonly activeLinks = new Map<number, LinkFault>();
  private readonly activePartitions = new Map<number, PartitionFault>();
  private readonly holds = new Map<string, number>();
  /** Per host: open crash windows (index -> restarts), and whether a crash without restart happened. */
  private readonly crashes = new Map<string, { open: Set<number>; forever: boolean }>();
  /** Pauses under way (their end is still to be recorded), by plan index. */
  private readonly pauses = new Map<number, Extract<Fault, { kind: 'pause' }>>();
  /** Every fault whose effect lasts now, except pauses (which run out on their own). */
  private readonly open = new Map<number, Fault>();
  private readonly base: readonly BaseConditions[];
  private readonly hostList: readonly string[];
  private readonly owner: object;
  private healed = false;
  private touchedLinks = false;
  private touchedPartitions = false;

  constructor(
    private readonly sim: FaultTarget,
    readonly plan: FaultPlan,
    options: ApplyFaultPlanOptions,
  ) {
    this.base = options.base ?? [];
    this.hostList = options.hosts ?? [];
    this.owner = options.owner ?? NEMESIS_OWNER;
    // Starts and ends are all scheduled now, in plan order: at equal times an earlier fault's
    // end runs before a later fault's start, and the order never depends on when windows open.
    // The network shows the base conditions from the start, as under every window later.
    if (this.base.length > 0) this.recomputeLinks();
    plan.forEach((fault, index) => {
      this.at(fault.atMs, () => this.start(fault, index));
      const endMs = windowEndMs(fault);
      if (endMs !== undefined) this.at(endMs, () => this.end(fault, index));
    });
  }

  /** Faults whose window is open now (by plan index). */
  get active(): Fault[] {
    return [...this.open.keys()].sort((a, b) => a - b).map((i) => this.open.get(i) as Fault);
  }

  /**
   * Ends every fault now: pending starts are dropped, windows close, holds release, hosts the
   * plan crashed restart (also those crashed for good), links return to the base conditions.
   * A pause already under way runs out (a stalled process cannot be woken early).
   */
  heal(): void {
    if (this.healed) return;
    this.healed = true;
    for (const task of this.tasks) this.sim.kernel.cancel(task);
    this.tasks.clear();
    for (const [index, pause] of this.pauses) this.at(pause.atMs + pause.durationMs, () => this.end(pause, index));
    for (const fault of this.active) this.record(fault.kind, 'end', fault, this.plan.indexOf(fault), { healed: true });
    this.open.clear();
    this.activeLinks.clear();
    this.activePartitions.clear();
    for (const [link, count] of this.holds) {
      const [from, to] = JSON.parse(link) as [string, string];
      if (count > 0) this.sim.network.release(from, to);
    }
    this.holds.clear();
    for (const [host, c] of this.crashes) {
      if ((c.open.size > 0 || c.forever) && (!this.isAlive(host) || !this.sim.hosts)) this.sim.restart(host);
    }
    this.crashes.clear();
    // Only state this plan changed is reset: a plan of crashes leaves the scenario's latency alone.
    if (this.touchedLinks) this.recomputeLinks();
    if (this.touchedPartitions) this.recomputePartitions();
  }

  private at(timeMs: number, action: () => void): void {
    const task = this.sim.kernel.schedule(timeMs, () => {
      this.tasks.delete(task);
      action();
    }, this.owner);
    this.tasks.add(task);
  }

  private start(fault: Fault, index: number): void {
    // A stalled or killed process cannot be stalled or killed again: say so, and leave it be.
    const skipped = (fault.kind === 'pause' || fault.kind === 'crash') && !this.isAlive(fault.host);
    this.record(fault.kind, 'start', fault, index, skipped ? { skipped: 'host down' } : {});
    if (fault.kind !== 'pause' && fault.kind !== 'clockJump' && fault.kind !== 'disconnect') this.open.set(index, fault);
    switch (fault.kind) {
      case 'latency':
      case 'drop':
      case 'duplicate':
        this.activeLinks.set(index, fault);
        return this.recomputeLinks();
      case 'partition':
        // Partitions add up: a new one needs no repair of the others.
        this.activePartitions.set(index, fault);
        this.touchedPartitions = true;
        return this.sim.network.partition([...fault.sideA], [...fault.sideB], fault.oneWay ? { oneWay: true } : {});
      case 'hold': {
        const link = JSON.stringify([fault.from, fault.to]);
        const count = this.holds.get(link) ?? 0;
        this.holds.set(link, count + 1);
        if (count === 0) this.sim.network.hold(fault.from, fault.to);
        return;
      }
      case 'crash': {
        const c = this.crashState(fault.host);
        const wasUp = c.open.size === 0 && !c.forever;
        if (fault.restartAfterMs === undefined) c.forever = true;
        else c.open.add(index);
        if (wasUp && !skipped) this.sim.crash(fault.host);
        return;
      }
      case 'pause':
        this.pauses.set(index, fault);
        if (!skipped) this.sim.pause(fault.host, fault.durationMs);
        return;
      case 'clockJump':
        return this.sim.clockJump(fault.host, fault.deltaMs);
      case 'disconnect':
        this.sim.network.disconnect([...fault.sideA], [...fault.sideB]);
        return;
    }
  }

  private end(fault: Fault, index: number): void {
    this.record(fault.kind, 'end', fault, index);
    this.open.delete(index);
    switch (fault.kind) {
      case 'latency':
      case 'drop':
      case 'duplicate':
        this.activeLinks.delete(index);
        return this.recomputeLinks();
      case 'partition':
        this.activePartitions.delete(index);
        return this.recomputePartitions();
      case 'hold': {
        const link = JSON.stringify([fault.from, fault.to]);
        const count = (this.holds.get(link) ?? 1) - 1;
        if (count > 0) this.holds.set(link, count);
        else {
          this.holds.delete(link);
          this.sim.network.release(fault.from, fault.to);
        }
        return;
      }
      case 'crash': {
        const c = this.crashState(fault.host);
        c.open.delete(index);
        if (c.open.size === 0 && !c.forever) {
          this.crashes.delete(fault.host);
          // Someone else may have restarted it meanwhile: a live host is left alone.
          if (!this.isAlive(fault.host) || !this.sim.hosts) this.sim.restart(fault.host);
        }
        return;
      }
      case 'pause':
        this.pauses.delete(index);
        return;
      case 'clockJump':
      case 'disconnect':
        return;
    }
  }

  private isAlive(host: string): boolean {
    return this.sim.hosts?.get(host)?.alive ?? true;
  }

  private crashState(host: string): { open: Set<number>; forever: boolean } {
    let c = this.crashes.get(host);
    if (!c) this.crashes.set(host, (c = { open: new Set(), forever: false }));
    return c;
  }

  /** Sets the network's link conditions to the base plus every open window, composed to the stronger effect (composeLinks). */
  private recomputeLinks(): void {
    this.touchedLinks = true;
    const network = this.sim.network;
    network.clearLinkConditions();
    const windows = [...this.activeLinks.keys()].sort((a, b) => a - b).map((i) => this.activeLinks.get(i) as LinkFault);
    const layers = windows.map((w) => ({ conditions: conditionsOf(w), scope: scopeOf(w) }));
    for (const { conditions, scope } of composeLinks(this.base, layers, this.hostNames())) network.setLinkConditions(conditions, scope);
  }

  /** Every host a link can join: the simulation's, the plan's and the base's, in a fixed order. */
  private hostNames(): string[] {
    const names = new Set<string>(this.hostList);
    for (const name of this.sim.hosts?.keys() ?? []) names.add(name);
    for (const name of hostsNamedIn(this.plan)) names.add(name);
    for (const b of this.base) for (const name of [...namesOf(b.scope?.from), ...namesOf(b.scope?.to)]) names.add(name);
    return [...names].sort();
  }

  /**
   * After a partition ends: with none left, repair; else the remaining ones replace the set in
   * one step, so a link another partition still cuts keeps stalling (its heartbeat and TCP
   * clocks are not restarted by a heal that did not happen).
   */
  private recomputePartitions(): void {
    this.touchedPartitions = true;
    const remaining = [...this.activePartitions.keys()].sort((a, b) => a - b).map((i) => this.activePartitions.get(i) as PartitionFault);
    if (remaining.length === 0) return this.sim.network.repair();
    this.sim.network.setPartitions(remaining.map((p) => ({ sideA: [...p.sideA], sideB: [...p.sideB], ...(p.oneWay ? { oneWay: true } : {}) })));
  }

  private record(fault: string, phase: 'start' | 'end', details: Fault, index: number, extra: Record<string, unknown> = {}): void {
    const { kind: _kind, atMs: _atMs, ...fields } = details as Fault & Record<string, unknown>;
    this.sim.trace.record({ tMs: this.sim.kernel.now(), kind: 'fault', fault, phase, index, ...fields, ...extra });
  }
}

function conditionsOf(f: LinkFault): LinkConditions {
  switch (f.kind) {
    case 'latency':
      return { latencyMs: { min: f.minMs, max: f.maxMs } };
    case 'drop':
      return { dropRate: f.rate };
    case 'duplicate':
      return { duplicateRate: f.rate };
  }
}

function scopeOf(f: LinkFault): LinkScope | undefined {
  if (f.from === undefined && f.to === undefined) return undefined;
  return { ...(f.from ? { from: [...f.from] } : {}), ...(f.to ? { to: [...f.to] } : {}) };
}

const injections = new WeakMap<object, FaultInjection[]>();

/** Validates `plan` and schedules it on `sim` (times are absolute virtual times). */
export function applyFaultPlan(sim: FaultTarget, plan: FaultPlan, options: ApplyFaultPlanOptions = {}): FaultInjection {
  checkOptions('applyFaultPlan options', options, ['hosts', 'lossyLinks', 'base', 'owner']);
  if (options.hosts !== undefined) checkDenseArray('hosts', options.hosts, 'an array of host names');
  options.hosts?.forEach((host, i) => checkString(`hosts[${i}]`, host));
  if (options.base !== undefined) checkDenseArray('base', options.base, 'an array of base link conditions');
  options.base?.forEach((entry, i) => checkOptions(`base[${i}]`, entry ?? null, ['conditions', 'scope']));
  if (options.owner !== undefined && (options.owner === null || typeof options.owner !== 'object')) throw new TypeError(expected('owner', 'an object', options.owner));
  checkFaultPlan(plan, options.hosts ?? hostsNamedIn(plan), options.lossyLinks ?? []);
  const injection = new FaultInjection(sim, plan.map((f) => ({ ...f }) as Fault), options);
  const list = injections.get(sim) ?? [];
  list.push(injection);
  injections.set(sim, list);
  return injection;
}

/** Ends every fault of every plan applied to `sim`, now (before a liveness phase). */
export function healAll(sim: FaultTarget): void {
  for (const injection of injections.get(sim) ?? []) injection.heal();
}
