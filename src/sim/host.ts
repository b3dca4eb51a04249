// A simulated host (a process): its factory builds the component from ports; each
// incarnation gets a fresh loop (tagged as the owner of every timer it schedules), a forked
// random stream and a logger. A crash kills the incarnation; a restart runs the factory again
// on a new one. The host's physical clocks survive restarts.
//
// Two clocks per host, as on a real machine (and as Tornado's IOLoop.time() is time.monotonic):
// - the monotonic clock, `loop.now()`: one oscillator with an offset and a drift; a drift change
//   keeps it continuous, so it never jumps. Timers measure their delays on it.
// - the wall clock, `Date.now()`: the monotonic clock plus the epoch plus every step an NTP-like
//   clock fault made (`clockJump`, backwards too). Code that measures leases on it is exposed to
//   those steps, as it would be in production.
// Each event a host runs costs it `eventCpuMs` of virtual time (see DEFAULT_EVENT_CPU_MS): its
// next event waits until then, so a callback that re-schedules itself lets time pass.

import type { Logger, RandomPort } from '../core/ports.js';
import type { TransportPort } from '../core/transport.js';
import type { Random } from '../core/random.js';
import { LoopSim } from './loop-sim.js';
import type { Simulation } from './simulation.js';
import type { SimKernel } from './sim-kernel.js';

export interface HostOptions {
  /** The host clock's offset from virtual time at creation (ms); moves both of its clocks. */
  offsetMs?: number;
  /** The host clock's rate error in parts per million (positive runs fast). */
  driftPpm?: number;
  /** Virtual CPU time each event of this host costs (ms). Default: the simulation's eventCpuMs. */
  eventCpuMs?: number;
}

/**
 * Default virtual CPU time per event: 10 µs. On this project's reference machine (Node 20, x64) a
 * bare setImmediate round trip costs about 3 µs and a self-rescheduling IOLoop callback on
 * LoopNode 13-35 µs, so 10 µs is the cost of a small handler. It is small enough that events
 * at distinct times rarely move, and non-zero so a busy loop cannot freeze virtual time.
 */
export const DEFAULT_EVENT_CPU_MS = 0.01;

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
  /** Date.now() at virtual time 0 on a host without offset or steps. */
  readonly epochMs: number;
  /** Default virtual CPU time per event for hosts that do not set theirs. */
  readonly eventCpuMs: number;
  makeContext(host: Host<unknown>, incarnation: Incarnation): HostContext;
  /** Fails the run with an error a host's code raised outside an event (a rejected async factory). */
  hostFailed(error: unknown, incarnation: Incarnation): void;
  traceHost(kind: string, host: Host<unknown>, details?: Record<string, unknown>): void;
}

/** One life of a host, and the owner token of every timer it schedules. */
export class Incarnation {
  /** The host's due events wait until this virtual time (a pause). */
  pausedUntilMs = -Infinity;
  /** The host's CPU is busy with its last event until this virtual time. */
  busyUntilMs = -Infinity;
  /** The monotonic clock's reading when this life began: performance.now() counts from it. */
  readonly startMonotonicMs: number;
  /** The wall clock when this life began: performance.timeOrigin, fixed for the process as on Node (clock steps after it do not move it). */
  readonly timeOriginMs: number;
  private readonly streams = new Map<string, Random>();
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
    this.startMonotonicMs = this.loop.now();
    // The host's previous loop reads the same instant (the clock is continuous across lives).
    this.timeOriginMs = host.wallNow();
  }

  get label(): string {
    return `${this.host.name}#${this.number}`;
  }

  /** A process-global random stream of this life (Math.random, crypto), forked from the seed by host, incarnation and purpose. */
  stream(purpose: string, root: Random): Random {
    let stream = this.streams.get(purpose);
    if (!stream) {
      stream = root.fork(`host:${this.host.name}:${this.number}:${purpose}`);
      this.streams.set(purpose, stream);
    }
    return stream;
  }
}

export class Host<S = unknown> {
  private currentIncarnation: Incarnation | undefined;
  private count = 0;
  private stateValue: S | undefined;
  private startedValue = false;
  private driftPpmValue: number;
  private lastLoop: LoopSim;
  /** Sum of the wall clock's steps (clock faults): Date.now() minus the epoch minus loop.now(). */
  private wallStepMsValue = 0;
  /** Virtual CPU time per event (ms). */
  readonly eventCpuMs: number;

  constructor(
    readonly name: string,
    private readonly factory: HostFactory<S>,
    private readonly world: HostWorld,
    private readonly traceId: number,
    options: HostOptions,
  ) {
    this.driftPpmValue = options.driftPpm ?? 0;
    this.eventCpuMs = options.eventCpuMs ?? world.eventCpuMs;
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

  /** This host's wall clock (what Date.now() reads on it), in ms since the Unix epoch, fractional. */
  wallNow(): number {
    return this.world.epochMs + this.lastLoop.now() + this.wallStepMsValue;
  }

  /** Total of the wall clock's steps so far (ms). */
  get wallStepMs(): number {
    return this.wallStepMsValue;
  }

  /** @internal Steps the wall clock only (an NTP step); the monotonic clock and timers are untouched. */
  stepWallClock(deltaMs: number): void {
    this.wallStepMsValue += deltaMs;
  }
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
