// A simulated host (a process): its factory builds the component from ports; each
// incarnation gets a fresh loop (tagged as the owner of every timer it schedules), a forked
// random stream and a logger. A crash kills the incarnation; a restart runs the factory again
// on a new one. The host's physical clock (offset, drift, jumps) survives restarts.

import type { Logger, RandomPort } from '../core/ports.js';
import type { TransportPort } from '../core/transport.js';
import { LoopSim } from './loop-sim.js';
import type { Simulation } from './simulation.js';
import type { SimKernel } from './sim-kernel.js';

export interface HostOptions {
  /** The host clock's offset from virtual time at creation (ms). */
  offsetMs?: number;
  /** The host clock's rate error in parts per million (positive runs fast). */
  driftPpm?: number;
}

/** The ports a host's factory receives. */
export interface HostContext {
  name: string;
  /** 1 for the first start, +1 per restart. */
  incarnation: number;
  /** This incarnation's loop: dies with it. */
  loop: LoopSim;
  /** Forked from the seed by host name and incarnation. */
  random: RandomPort;
  transport: TransportPort;
  /** Lines carry virtual time, host and incarnation. */
  logger: Logger;
  sim: Simulation;
}

export type HostFactory<S> = (ctx: HostContext) => S | Promise<S>;

/** What a host needs from its simulation. */
export interface HostWorld {
  readonly kernel: SimKernel;
  readonly sim: Simulation;
  makeContext(host: Host<unknown>, incarnation: Incarnation): HostContext;
  /** Fails the run with an error a host's code raised outside an event (a rejected async factory). */
  hostFailed(error: unknown, incarnation: Incarnation): void;
  traceHost(kind: string, host: Host<unknown>, details?: Record<string, unknown>): void;
}

/** One life of a host, and the owner token of every timer it schedules. */
export class Incarnation {
  /** The host's due events wait until this virtual time (a pause). */
  pausedUntilMs = -Infinity;
  /** This life's loop; every timer it schedules is owned by this incarnation. */
  readonly loop: LoopSim;

  constructor(
    readonly host: Host<unknown>,
    readonly number: number,
    kernel: SimKernel,
    clock: { offsetMs: number; driftPpm: number },
    /** Small integer mixed into the trace digest. */
    readonly traceId: number,
  ) {
    this.loop = new LoopSim(kernel, { owner: this, ...clock });
  }

  get label(): string {
    return `${this.host.name}#${this.number}`;
  }
}

export class Host<S = unknown> {
  private currentIncarnation: Incarnation | undefined;
  private count = 0;
  private stateValue: S | undefined;
  private startedValue = false;
  private driftPpmValue: number;
  private lastLoop: LoopSim;

  constructor(
    readonly name: string,
    private readonly factory: HostFactory<S>,
    private readonly world: HostWorld,
    private readonly traceId: number,
    options: HostOptions,
  ) {
    this.driftPpmValue = options.driftPpm ?? 0;
    // The first loop is built from the options; later ones continue its clock.
    this.lastLoop = new LoopSim(world.kernel, { offsetMs: options.offsetMs ?? 0, driftPpm: this.driftPpmValue });
  }

  /** What the factory returned (awaited) for the live incarnation; undefined while down or starting. */
  get state(): S | undefined {
    return this.stateValue;
  }

  get alive(): boolean {
    return this.currentIncarnation !== undefined;
  }

  /** True once the live incarnation's factory has returned (resolved). */
  get started(): boolean {
    return this.startedValue;
  }

  /** Number of the live (or last) incarnation: 1 after the first start. */
  get incarnation(): number {
    return this.count;
  }

  /** The live incarnation's loop (or the last one's, dead, after a crash). */
  get loop(): LoopSim {
    return this.lastLoop;
  }

  /** @internal The live incarnation. */
  get current(): Incarnation | undefined {
    return this.currentIncarnation;
  }

  /** @internal Starts a new incarnation: the factory runs as its first event, at the current virtual time. */
  start(): void {
    const rate = 1 + this.driftPpmValue / 1e6;
    const kernel = this.world.kernel;
    const clockNow = this.lastLoop.now();
    this.count++;
    const clock = { offsetMs: clockNow - kernel.now() * rate, driftPpm: this.driftPpmValue };
    const incarnation = new Incarnation(this as Host<unknown>, this.count, kernel, clock, this.traceId);
    this.lastLoop = incarnation.loop;
    this.currentIncarnation = incarnation;
    this.stateValue = undefined;
    this.startedValue = false;
    incarnation.loop.addCallback(() => this.runFactory(incarnation));
  }

  private runFactory(incarnation: Incarnation): void {
    this.world.traceHost('start', this as Host<unknown>, { incarnation: incarnation.number });
    const result = this.factory(this.world.makeContext(this as Host<unknown>, incarnation));
    if (isThenable<S>(result)) {
      result.then(
        (state) => this.started_(incarnation, state),
        (error: unknown) => {
          if (this.currentIncarnation === incarnation) this.world.hostFailed(error, incarnation);
        },
      );
    } else this.started_(incarnation, result as S);
  }

  private started_(incarnation: Incarnation, state: S): void {
    if (this.currentIncarnation !== incarnation) return;
    this.stateValue = state;
    this.startedValue = true;
  }

  /** @internal Kills the live incarnation: its loop dies and its pending timers are dropped. */
  kill(): Incarnation | undefined {
    const incarnation = this.currentIncarnation;
    if (!incarnation) return undefined;
    incarnation.loop.kill();
    this.world.kernel.removeWhere((task) => task.owner === incarnation);
    this.currentIncarnation = undefined;
    this.stateValue = undefined;
    this.startedValue = false;
    return incarnation;
  }

  /** @internal */
  setDriftPpm(driftPpm: number): void {
    this.lastLoop.setDriftPpm(driftPpm);
    this.driftPpmValue = driftPpm;
  }
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
