// The simulated world: one seed, one virtual clock, hosts with their own ports, the
// network, the trace, assertions, and a run loop in which third-party timers run on virtual
// time. Everything random derives from the seed, so a seed replays a run exactly.
//
// Trace policy: host-level events (start, crash, restart, pause, clock changes, assertion
// failures, user records) and the network's deliveries and drops are trace lines. Kernel
// events are not, by default (a line per timer would cost more than the event itself): they
// fold into one `steps` line per run (event-ledger.ts). `traceEvents: true` writes a line per
// event to pinpoint a divergence (checkDeterminism turns it on).
//
// Time: each host has a monotonic clock (its loop) and a wall clock (Date) that clock faults
// step; each event a host runs costs it eventCpuMs of virtual time (host.ts, event-ledger.ts). Real work that
// completes during a run is a determinism hazard: it fails the run, naming the API (or, with
// hazards: 'report', is only listed in `sim.hazards`).

import type { Logger } from '../core/ports.js';
import { Random } from '../core/random.js';
import type { ScheduledTask } from '../core/scheduler.js';
import { checkFinite, checkFunction, checkNonEmptyString, checkNonNegative, checkOptions } from '../core/validate.js';
import { AssertionFailure, Assertions, type EventuallyOptions, type SometimesReport } from './assertions.js';
import type { FakeTimersBridge } from './fake-timers-bridge.js';
import { settleFileIo, type Hazard } from './hazard-detector.js';
import { createSimBridge } from './sim-bridge.js';
import { checkSimulationOptions, DEFAULT_EPOCH_MS, DeterminismHazardError, type RunHazard, type SimulationOptions } from './simulation-options.js';
import { EventLedger } from './event-ledger.js';
import { DEFAULT_EVENT_CPU_MS, Host, Incarnation, type HostContext, type HostFactory, type HostOptions, type HostWorld } from './host.js';
import { LoopSim } from './loop-sim.js';
import { annotateFailure, RejectionGuard } from './run-guard.js';
import { NetworkSim } from './network-sim.js';
import { createSimLogger, type LogLevelName } from './sim-logger.js';
import { SimKernel, type RunLimits, type RunSummary } from './sim-kernel.js';
import { Trace } from './trace.js';

export { DEFAULT_EPOCH_MS, DeterminismHazardError, type RunHazard, type SimulationOptions } from './simulation-options.js';

export class Simulation {
  readonly seed: number;
  readonly kernel: SimKernel;
  /** The root random stream; hosts and the network use forks of it. */
  readonly random: Random;
  readonly trace: Trace;
  readonly network: NetworkSim;
  /** The simulation's own loop (drivers, fault timelines): no host owns its timers. */
  readonly loop: LoopSim;
  /** Simulation-level logger (no host). */
  readonly logger: Logger;
  private readonly hostsByName = new Map<string, Host<unknown>>();
  private readonly assertions: Assertions;
  private readonly world: HostWorld;
  private readonly bridge: FakeTimersBridge | undefined;
  private readonly defaultStepsMax: number | undefined;
  private readonly ledger: EventLedger;
  private readonly logSink: ((line: string) => void) | undefined;
  private readonly logLevel: LogLevelName;
  private currentOwner: unknown;
  private failureValue: Error | undefined;
  private running = false;
  private readonly rejectionGuard = new RejectionGuard((reason) => this.fail(reason));
  private readonly hazardPolicy: 'fail' | 'report' | 'off';
  private readonly hazardList: RunHazard[] = [];
  /** The wall clock's start (Date.now() at virtual time 0 on a host without offset). */
  readonly epochMs: number;
  private readonly eventCpuMs: number;

  constructor(options: SimulationOptions) {
    checkSimulationOptions(options);
    this.epochMs = options.epochMs ?? DEFAULT_EPOCH_MS;
    this.eventCpuMs = options.eventCpuMs ?? DEFAULT_EVENT_CPU_MS;
    this.hazardPolicy = options.hazards ?? 'fail';
    this.seed = options.seed;
    this.defaultStepsMax = options.stepsMax;
    this.logSink = options.logSink;
    this.logLevel = options.logLevel ?? 'info';
    this.kernel = new SimKernel();
    this.random = new Random(options.seed);
    this.trace = new Trace(options.trace);
    this.loop = new LoopSim(this.kernel);
    this.ledger = new EventLedger(this.kernel, this.trace, options.traceEvents ?? false);
    // Deliveries into a host are owned by its live incarnation: a pause defers them, a crash drops them.
    this.network = new NetworkSim({
      kernel: this.kernel,
      random: this.random.fork('network'),
      trace: this.trace,
      ownerOf: (host) => this.hostsByName.get(host)?.current ?? host,
    });
    this.logger = this.makeLogger({});
    this.world = this.createWorld();
    this.assertions = new Assertions({
      seed: this.seed,
      loop: this.loop,
      now: () => this.kernel.now(),
      hostLabel: () => this.currentIncarnation()?.label,
      record: (kind, details) => this.record(kind, details),
      traceTail: (n) => this.trace.tail(n),
      traceCount: () => this.trace.count,
      fail: (error) => this.fail(error),
      watch: (active) => this.kernel.setBetween(active ? this.between : undefined),
    });
    if (options.fakeTimers ?? true) {
      this.bridge = createSimBridge({
        kernel: this.kernel,
        loop: this.loop,
        random: this.random,
        epochMs: this.epochMs,
        current: () => this.currentIncarnation(),
        onHazard: this.hazardPolicy === 'off' ? undefined : (hazard) => this.hazard(hazard),
      });
    }
    this.kernel.setObserver(this.onEvent);
    // Hosts pay CPU time per event (and wait out pauses) through the kernel's gate.
    this.kernel.setGate(this.ledger.gate);
  }

  /** Virtual time (ms). */
  now(): number {
    return this.kernel.now();
  }

  /** The run's failure (first one wins), if it failed. A failed simulation does not run again. */
  get failure(): Error | undefined {
    return this.failureValue;
  }

  /** The host whose event (or the microtasks it caused) is running, if any. */
  get currentHost(): Host<unknown> | undefined {
    return this.currentIncarnation()?.host;
  }

  get hosts(): ReadonlyMap<string, Host<unknown>> {
    return this.hostsByName;
  }

  /** Adds a host; its factory runs as the host's first event, at the current virtual time. */
  host<S>(name: string, factory: HostFactory<S>, options: HostOptions = {}): Host<S> {
    checkNonEmptyString('host name', name);
    checkFunction('factory', factory);
    checkOptions('host options', options, ['offsetMs', 'driftPpm', 'eventCpuMs']);
    if (options.eventCpuMs !== undefined) checkNonNegative('eventCpuMs', options.eventCpuMs);
    if (this.hostsByName.has(name)) throw new Error(`sim.host: a host named ${JSON.stringify(name)} already exists`);
    const host = new Host<S>(name, factory, this.world, this.hostsByName.size + 1, options);
    this.hostsByName.set(name, host as Host<unknown>);
    this.network.addHost(name);
    host.start();
    return host;
  }

  /** The host named `name`; throws if there is none. */
  getHost<S = unknown>(name: string): Host<S> {
    return this.lookup('sim.getHost', name) as Host<S>;
  }

  /** Kills a host: its timers, sockets, in-flight messages and in-memory state are gone. */
  crash(name: string): void {
    const host = this.lookup('sim.crash', name);
    if (!host.alive) throw new Error(`sim.crash: host ${JSON.stringify(name)} is already down`);
    host.kill();
    this.network.crashHost(name); // records the 'crash' trace line
  }

  /** Starts a new incarnation (crashing the live one first, if any): the factory runs again. */
  restart(name: string): void {
    const host = this.lookup('sim.restart', name);
    if (host.alive) this.crash(name);
    host.start();
    this.recordHost('restart', host, { incarnation: host.incarnation });
  }

  /** Stalls a host for `ms` of virtual time, like a GC pause: its due events wait until it ends. */
  pause(name: string, ms: number): void {
    const host = this.lookup('sim.pause', name);
    checkNonNegative('ms', ms);
    const incarnation = host.current;
    if (!incarnation) throw new Error(`sim.pause: host ${JSON.stringify(name)} is down`);
    const untilMs = this.kernel.now() + ms;
    if (untilMs <= incarnation.pausedUntilMs) return;
    incarnation.pausedUntilMs = untilMs;
    this.network.freezeHost(name, untilMs);
    this.recordHost('pause', host, { ms, untilMs });
  }

  /**
   * Steps a host's wall clock (Date.now()) by `deltaMs`, backwards too (an NTP step). Its
   * monotonic clock (loop.now(), performance.now()) and pending timers are untouched, as on a
   * real machine: leases measured on the loop stay safe, ones measured on Date do not.
   */
  clockJump(name: string, deltaMs: number): void {
    const host = this.lookup('sim.clockJump', name);
    checkFinite('deltaMs', deltaMs);
    host.stepWallClock(deltaMs);
    this.recordHost('clock-jump', host, { deltaMs });
  }

  /** Changes a host clock's rate error (ppm), keeping both of its clocks continuous. */
  setDrift(name: string, driftPpm: number): void {
    const host = this.lookup('sim.setDrift', name);
    host.setDriftPpm(driftPpm);
    this.recordHost('drift', host, { driftPpm });
  }

  /** Determinism hazards seen so far (real work that completed during a run). */
  get hazards(): readonly RunHazard[] {
    return this.hazardList;
  }

  /** A host's wall clock now (Date.now() on it, fractional), or the simulation's without a name. */
  wallNow(name?: string): number {
    if (name === undefined) return this.epochMs + this.kernel.now();
    return this.lookup('sim.wallNow', name).wallNow();
  }

  /** Records a user event in the trace (virtual time and current host added). */
  record(kind: string, details: Record<string, unknown> = {}): void {
    checkNonEmptyString('kind', kind);
    const host = this.currentIncarnation()?.host.name;
    this.trace.record(host === undefined ? { tMs: this.kernel.now(), kind, ...details } : { tMs: this.kernel.now(), kind, host, ...details });
  }

  always(condition: unknown, message: string, details?: unknown): void {
    this.assertions.always(condition, message, details);
  }

  sometimes(condition: unknown, message: string): boolean {
    return this.assertions.sometimes(condition, message);
  }

  sometimesReport(): SometimesReport {
    return this.assertions.sometimesReport();
  }

  eventually(condition: () => unknown, options: EventuallyOptions): Promise<void> {
    return this.assertions.eventually(condition, options);
  }

  /** Runs events until a limit; rejects with the run's failure (annotated with seed, virtual time and host). */
  async run(limits: RunLimits = {}): Promise<RunSummary> {
    // File work begun before the run (a loader's cache write) must not run into it as a hazard.
    if (this.bridge && this.hazardPolicy !== 'off' && !this.running) await settleFileIo();
    const effective = limits?.stepsMax === undefined && this.defaultStepsMax !== undefined ? { ...limits, stepsMax: this.defaultStepsMax } : limits;
    return this.during(() => this.kernel.run(effective), true);
  }

  /** Runs exactly one event (if any) and its microtasks; returns whether one ran. */
  async step(): Promise<boolean> {
    return this.during(() => this.kernel.step(), false);
  }

  private async during<T>(body: () => Promise<T>, isRun: boolean): Promise<T> {
    if (this.running) throw new Error('Simulation.run: a run is already in progress (await it before starting another)');
    if (this.failureValue) throw this.failureValue;
    this.enter();
    try {
      const promise = body();
      // The kernel rejects bad limits before starting: that is the caller's mistake, not a failed run.
      if (isRun && !this.kernel.isRunning) return await promise;
      let result: T;
      try {
        result = await promise;
      } catch (error) {
        this.fail(error);
        throw this.failureValue;
      }
      // Real work still pending now would complete after the run, outside virtual time.
      this.bridge?.reportPending();
      if (this.failureValue) throw this.failureValue;
      return result;
    } finally {
      this.leave();
    }
  }

  private enter(): void {
    // Install first: if another run holds the globals, nothing here has changed.
    this.bridge?.install();
    this.kernel.trackOwnImmediates(this.bridge !== undefined && this.hazardPolicy !== 'off');
    this.running = true;
    this.currentOwner = undefined;
    this.rejectionGuard.install();
  }

  private leave(): void {
    this.rejectionGuard.uninstall();
    this.ledger.flush();
    this.currentOwner = undefined;
    this.running = false;
    this.bridge?.uninstall();
    this.kernel.trackOwnImmediates(false);
  }

  /** Records the run's failure (first wins) and stops the run after the current event. */
  private fail(error: unknown): void {
    if (this.failureValue === undefined) this.failureValue = this.annotate(error);
    this.kernel.stop();
  }

  private annotate(error: unknown): Error {
    if (error instanceof AssertionFailure) return error; // already says where
    return annotateFailure(error, { seed: this.seed, virtualTimeMs: this.kernel.now(), host: this.currentIncarnation()?.label });
  }

  private readonly onEvent = (task: ScheduledTask): void => {
    this.currentOwner = task.owner;
    this.ledger.record(task);
  };

  // Between two events no host is running: what an `eventually` settles here continues at simulation level.
  private readonly between = (): boolean => {
    this.currentOwner = undefined;
    return this.assertions.between();
  };

  private hazard(hazard: Hazard): void {
    const seen: RunHazard = { ...hazard, virtualTimeMs: this.kernel.now() };
    this.hazardList.push(seen);
    if (this.hazardPolicy !== 'fail') return;
    // Real work completes outside every event: the host of the last event is not where it came from.
    this.fail(annotateFailure(new DeterminismHazardError(seen), { seed: this.seed, virtualTimeMs: seen.virtualTimeMs, host: undefined }));
  }

  private recordHost(kind: string, host: Host<unknown>, details: Record<string, unknown>): void {
    this.trace.record({ tMs: this.kernel.now(), kind, host: host.name, ...details });
  }

  private currentIncarnation(): Incarnation | undefined {
    return this.currentOwner instanceof Incarnation ? this.currentOwner : undefined;
  }

  private lookup(method: string, name: string): Host<unknown> {
    checkNonEmptyString('host name', name);
    const host = this.hostsByName.get(name);
    if (host) return host;
    const known = [...this.hostsByName.keys()].join(', ') || 'none';
    throw new RangeError(`${method}: unknown host ${JSON.stringify(name)} (hosts: ${known})`);
  }

  private makeLogger(bindings: Record<string, unknown>): Logger {
    return createSimLogger({ sink: this.logSink, level: this.logLevel, now: () => this.kernel.now(), bindings });
  }

  private createWorld(): HostWorld {
    return {
      kernel: this.kernel,
      sim: this,
      epochMs: this.epochMs,
      eventCpuMs: this.eventCpuMs,
      makeContext: (host, incarnation): HostContext => ({
        name: host.name,
        incarnation: incarnation.number,
        loop: incarnation.loop,
        random: this.random.fork(`host:${host.name}:${incarnation.number}`),
        transport: this.network.transport(host.name),
        logger: this.makeLogger({ host: host.name, incarnation: incarnation.number }),
        sim: this,
      }),
      hostFailed: (error, incarnation) => {
        this.currentOwner = incarnation;
        this.fail(error);
      },
      traceHost: (kind, host, details) => this.recordHost(kind, host, details ?? {}),
    };
  }
}
