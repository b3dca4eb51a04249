// Runs a scenario for one seed: build the world, apply the fault plan (given, the scenario's,
// or drawn by a nemesis or swarm from the seed), start the workload as a driver, run the
// safety phase, heal every fault, run the liveness phase, check the invariants. Whatever
// fails (a host's exception, an assertion, the workload, a stuck call, an invariant, a step
// budget) becomes the result's error, with the one command that replays the run.

import { checkBoolean, checkFunction, checkInteger, checkNonEmptyString, checkOptions, expected } from '../core/validate.js';
import type { SometimesReport } from './assertions.js';
import { History } from './checkers/history.js';
import { applyFaultPlan, healAll } from './fault-injector.js';
import { checkFaultPlan } from './fault-plan-check.js';
import type { FaultKind, FaultPlan } from './fault-plan.js';
import { describeSwarm, feasibleKinds, randomFaultPlan, swarmOptions } from './nemesis.js';
import { commandPath, isScenario, runsItself, scenarioFile, type Phase, type Scenario, type ScenarioContext } from './scenario.js';
import { Simulation, type RunHazard } from './simulation.js';
import { checkTraceOptions } from './simulation-options.js';
import type { TraceOptions } from './trace.js';
import { traceTimers } from './trace-timers.js';

export interface RunScenarioOptions {
  /** A non-negative safe integer: the whole run is a function of it. */
  seed: number;
  /** Run this plan instead of the scenario's (a regression test, a shrunk plan). */
  faults?: FaultPlan;
  /** Draw the plan in swarm mode: a random subset of fault kinds and intensities per seed. */
  swarm?: boolean;
  /** Draw the plan from the random nemesis (every kind the scenario allows). */
  nemesis?: boolean;
  trace?: TraceOptions;
  /** The scenario's module, for the replay command. Default: where defineScenario was called. */
  file?: string;
  /** Receives the hosts' log lines (JSON). */
  logSink?: (line: string) => void;
}

export interface ScenarioError {
  message: string;
  stack?: string;
  /** When it failed. */
  phase: Phase | 'setup';
}

export interface ScenarioResult {
  name: string;
  seed: number;
  ok: boolean;
  error?: ScenarioError;
  /** The plan that ran. */
  faultPlan: FaultPlan;
  /** Swarm mode: the options drawn for this seed, as one line. */
  swarm?: string;
  /** Virtual time simulated (ms). */
  virtualMs: number;
  wallMs: number;
  /** Simulated events executed. */
  steps: number;
  traceHash: string;
  /** Trace events recorded (and hashed); the timer lines of a kept trace are not counted. */
  traceLines: number;
  /** Determinism hazards the run saw (real work that escaped virtual time; the first one also failed it). Absent when none. */
  hazards?: RunHazard[];
  sometimes: SometimesReport;
  /** The one command that replays this run. */
  replayCommand: string;
  /** Every trace line, when options.trace.keepAll. */
  trace?: string[];
}

const OPTION_NAMES = ['seed', 'faults', 'swarm', 'nemesis', 'trace', 'file', 'logSink'];
/** Calls named in the error of a workload that never finished. */
const STUCK_CALLS_SHOWN = 5;

class PhaseError extends Error {
  constructor(
    message: string,
    readonly phase: Phase | 'setup',
  ) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  if (!isScenario(scenario)) throw new TypeError(expected('scenario', 'a scenario from defineScenario({...})', scenario));
  checkOptions('runScenario options', options, OPTION_NAMES);
  if (options === undefined) throw new TypeError(expected('runScenario options', 'an options object { seed }', options));
  checkInteger('seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
  // Every option before the run: a bad one found after it (the replay command's file) would waste the run.
  if (options.faults !== undefined) checkFaultPlan(options.faults, scenario.hostNames, scenario.lossyLinks);
  if (options.swarm !== undefined) checkBoolean('swarm', options.swarm);
  if (options.nemesis !== undefined) checkBoolean('nemesis', options.nemesis);
  if (options.swarm && options.nemesis) throw new RangeError('runScenario options: give swarm or nemesis, not both');
  if (options.file !== undefined) checkNonEmptyString('file', options.file);
  if (options.logSink !== undefined) checkFunction('logSink', options.logSink);
  if (options.trace !== undefined) checkTraceOptions('trace', options.trace);

  const startedMs = performance.now();
  const sim = new Simulation({ seed: options.seed, stepsMax: scenario.stepsMax, ...(options.trace ? { trace: options.trace } : {}), ...(options.logSink ? { logSink: options.logSink } : {}) });
  // A trace that keeps every line (--trace, the viewer) shows the hosts' timers too (not hashed).
  traceTimers(sim.kernel, sim.trace);
  let plan: FaultPlan = [];
  let swarm: string | undefined;
  let phase: Phase | 'setup' = 'setup';
  let error: ScenarioError | undefined;
  try {
    ({ plan, swarm } = choosePlan(scenario, options, sim));
    await runPhases(scenario, sim, plan, (p) => (phase = p));
  } catch (caught) {
    error = toScenarioError(caught, caught instanceof PhaseError ? caught.phase : phase);
  }
  return {
    name: scenario.name,
    seed: options.seed,
    ok: error === undefined,
    ...(error ? { error } : {}),
    faultPlan: plan,
    ...(swarm !== undefined ? { swarm } : {}),
    virtualMs: sim.now(),
    wallMs: performance.now() - startedMs,
    steps: sim.kernel.stepsTotal,
    traceHash: sim.trace.hash(),
    traceLines: sim.trace.count,
    ...(sim.hazards.length > 0 ? { hazards: [...sim.hazards] } : {}),
    sometimes: sim.sometimesReport(),
    replayCommand: replayCommand(scenario, options),
    ...(options.trace?.keepAll ? { trace: sim.trace.kept() } : {}),
  };
}

async function runPhases(scenario: Scenario, sim: Simulation, plan: FaultPlan, setPhase: (p: Phase) => void): Promise<void> {
  const history = new History(() => sim.now());
  const disks = new Map(scenario.hostNames.map((name) => [name, new Map<string, unknown>()]));
  for (const name of scenario.hostNames) {
    const factory = scenario.hosts[name] as Scenario['hosts'][string];
    sim.host(name, (hostCtx) => factory({ ...hostCtx, history, disk: disks.get(name) as Map<string, unknown> }));
  }
  applyFaultPlan(sim, plan, { hosts: scenario.hostNames, lossyLinks: scenario.lossyLinks });
  const ctx = makeContext(scenario, sim, history, disks);
  const setCtxPhase = (p: Phase): void => {
    (ctx as { phase: Phase }).phase = p;
    setPhase(p);
  };
  const driver = new Driver(sim);
  setCtxPhase('safety');
  driver.start('workload', async () => {
    // Async factories: wait for every host that is up to finish starting (one the plan crashed at 0 is not waited for).
    const ready = (): boolean => scenario.hostNames.every((n) => sim.getHost(n).started || !sim.getHost(n).alive);
    await sim.eventually(ready, { withinMs: scenario.durationMs, message: 'every live host started' });
    await scenario.workload(ctx);
  });
  // One run for both phases (each run installs the fake-timers bridge once): at durationMs,
  // scheduled now so it comes before anything else due then, every fault heals.
  sim.loop.callAt(scenario.durationMs, () => {
    setCtxPhase('liveness');
    healAll(sim);
    if (scenario.liveness) driver.start('liveness', () => (scenario.liveness as NonNullable<Scenario['liveness']>)(ctx));
  });
  // The liveness phase runs its full length even when the workload is done: work acked but still
  // queued must get its chance to finish before the invariants look.
  const summary = await sim.run({ untilMs: scenario.durationMs + scenario.livenessMs, stepsMax: scenario.stepsMax });
  driver.throwIfFailed();
  if (ctx.phase === 'safety') throw new PhaseError(`safety phase stopped early at ${summary.nowMs}ms (sim.kernel.stop() was called)`, 'safety');
  if (!driver.done) throw new PhaseError(stuckMessage(scenario, sim, history, driver), 'liveness');

  setCtxPhase('invariants');
  await scenario.invariants?.(ctx);
}

/** Tracks the driver's tasks (workload, liveness hook): which still run, and the first failure. */
class Driver {
  private readonly running = new Set<string>();
  private failure: { label: string; error: unknown; atMs: number } | undefined;

  constructor(private readonly sim: Simulation) {}

  get done(): boolean {
    return this.running.size === 0;
  }

  get pending(): string[] {
    return [...this.running];
  }

  start(label: string, body: () => Promise<void> | void): void {
    this.running.add(label);
    this.sim.loop.addCallback(() => {
      Promise.resolve()
        .then(body)
        .then(
          () => void this.running.delete(label),
          (error: unknown) => {
            this.failure ??= { label, error, atMs: this.sim.now() };
            this.sim.kernel.stop();
          },
        );
    });
  }

  throwIfFailed(): void {
    if (!this.failure) return;
    const { label, error, atMs } = this.failure;
    const base = error instanceof Error ? error : new Error(String(error));
    base.message = `${label} failed at virtual time ${atMs}ms (seed ${this.sim.seed}): ${base.message}`;
    throw base;
  }
}

function stuckMessage(scenario: Scenario, sim: Simulation, history: History, driver: Driver): string {
  const invoked = new Map<string | number, number>();
  for (const e of history.entries) {
    if (e.type === 'invoke') invoked.set(e.callId, e.tMs);
    else if (e.type === 'ok' || e.type === 'fail') invoked.delete(e.callId);
  }
  const calls = [...invoked].slice(0, STUCK_CALLS_SHOWN).map(([id, tMs]) => `call ${JSON.stringify(id)} (invoked at ${tMs}ms)`);
  const more = invoked.size > STUCK_CALLS_SHOWN ? ` and ${invoked.size - STUCK_CALLS_SHOWN} more` : '';
  const unsettled = invoked.size > 0 ? `; unsettled: ${calls.join(', ')}${more}` : '';
  return `${driver.pending.join(' and ')} still running at the end of the liveness phase (virtual time ${sim.now()}ms, seed ${sim.seed}; ` +
    `faults healed at ${scenario.durationMs}ms, livenessMs=${scenario.livenessMs})${unsettled}`;
}

function makeContext(scenario: Scenario, sim: Simulation, history: History, disks: Map<string, Map<string, unknown>>): ScenarioContext {
  return {
    sim,
    seed: sim.seed,
    random: sim.random.fork('workload'),
    history,
    hostNames: scenario.hostNames,
    loop: sim.loop,
    phase: 'safety',
    durationMs: scenario.durationMs,
    livenessMs: scenario.livenessMs,
    host<S>(name: string): S {
      const host = sim.getHost<S>(name);
      if (!host.alive) throw new Error(`ctx.host: host ${JSON.stringify(name)} is down (crashed at or before ${sim.now()}ms)`);
      if (!host.started) throw new Error(`ctx.host: host ${JSON.stringify(name)} is still starting`);
      return host.state as S;
    },
    disk(name: string): Map<string, unknown> {
      const disk = disks.get(name);
      if (!disk) throw new RangeError(`ctx.disk: unknown host ${JSON.stringify(name)} (hosts: ${scenario.hostNames.join(', ')})`);
      return disk;
    },
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => sim.loop.callLater(ms, resolve));
    },
  };
}

function choosePlan(scenario: Scenario, options: RunScenarioOptions, sim: Simulation): { plan: FaultPlan; swarm?: string } {
  if (options.faults !== undefined) return { plan: options.faults };
  const hosts = scenario.hostNames;
  // Realistic faults by default: drop and duplicate only where the scenario declares lossy links.
  const lossyLinks = scenario.lossyLinks;
  const feasible = feasibleKinds(hosts, lossyLinks);
  const allowed = (scenario.nemesis?.kinds ?? feasible).filter((k) => feasible.includes(k));
  if (options.swarm) {
    const random = sim.random.fork('swarm');
    const drawn = swarmOptions(random.fork('options'), hosts, scenario.durationMs, lossyLinks);
    let kinds: FaultKind[] = (drawn.kinds ?? []).filter((k) => allowed.includes(k));
    if (kinds.length === 0) kinds = [random.fork('kinds').pick(allowed)];
    const swarmed = { ...drawn, kinds, weights: Object.fromEntries(kinds.map((k) => [k, drawn.weights?.[k] ?? 1])) };
    return { plan: onlyCrashable(scenario, randomFaultPlan(random.fork('nemesis'), swarmed)), swarm: describeSwarm(swarmed) };
  }
  if (options.nemesis) {
    const plan = randomFaultPlan(sim.random.fork('nemesis'), { hosts, durationMs: scenario.durationMs, kinds: allowed, lossyLinks });
    return { plan: onlyCrashable(scenario, plan) };
  }
  if (typeof scenario.faults === 'function') {
    const plan = scenario.faults(sim.random.fork('faults'), hosts);
    checkFaultPlan(plan, hosts, lossyLinks);
    return { plan };
  }
  return { plan: scenario.faults ?? [] };
}

function onlyCrashable(scenario: Scenario, plan: FaultPlan): FaultPlan {
  const crashable = scenario.nemesis?.crashable;
  return crashable === undefined ? plan : plan.filter((f) => f.kind !== 'crash' || crashable.includes(f.host));
}

/**
 * The command that replays a run of `scenario` with these options. `npx tsx <file>` only for the
 * module that runs itself (its runMain registered the scenario): on any other module it would
 * run nothing, so those replay through `toto sim`, which loads the scenario a module exports.
 */
export function replayCommand(scenario: Scenario, options: Pick<RunScenarioOptions, 'seed' | 'faults' | 'swarm' | 'nemesis' | 'file'>): string {
  const module = options.file ?? scenarioFile(scenario);
  const file = commandPath(module);
  const seed = options.seed;
  if (options.faults !== undefined) return `npx toto sim ${file} --seed ${seed} --faults '${JSON.stringify(options.faults).replace(/'/g, "'\\''")}'`;
  if (options.swarm) return `npx toto sim ${file} --seed ${seed} --swarm`;
  if (options.nemesis) return `npx toto sim ${file} --seed ${seed} --nemesis`;
  return runsItself(scenario, module) ? `npx tsx ${file} --seed ${seed}` : `npx toto sim ${file} --seed ${seed}`;
}

function toScenarioError(error: unknown, phase: Phase | 'setup'): ScenarioError {
  if (error instanceof Error) return { message: error.message, ...(error.stack ? { stack: error.stack } : {}), phase };
  return { message: `non-Error thrown: ${String(error)}`, phase };
}
