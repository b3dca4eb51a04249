// A scenario: hosts, a workload that drives them, a fault plan and invariants, run for one
// seed by runScenario in two phases, after TigerBeetle's VOPR: a safety phase of durationMs
// under the faults, then every fault heals and a liveness phase gives the system livenessMs
// to finish its work, then the invariants read what happened. A failure of any kind lands
// in the result (never thrown), so a sweep of a thousand seeds always finishes.
//
// The workload runs as a driver on the simulation's own loop (sim.loop), outside every host:
// like a Jepsen client it is never crashed, paused or partitioned, and it reaches services
// through their APIs (`ctx.host(name)` is the state a host's factory returned) rather than
// through a network address of its own.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoopPort, RandomPort } from '../core/ports.js';
import { checkDenseArray, checkFunction, checkInteger, checkNonEmptyString, checkOptions, expected } from '../core/validate.js';
import { History } from './checkers/history.js';
import { checkFaultPlan, checkLossyLinks } from './fault-plan-check.js';
import { FAULT_KINDS, type FaultKind, type FaultPlan, type LinkScope } from './fault-plan.js';
import type { HostContext } from './host.js';
import type { Simulation } from './simulation.js';

/** What a scenario host's factory receives: the host's ports, plus what outlives a crash. */
export interface ScenarioHostContext extends HostContext {
  /** The run's history (calls as clients saw them). */
  history: History;
  /** This host's durable store: survives crash and restart, like a disk (memory does not). */
  disk: Map<string, unknown>;
}

export type ScenarioHostFactory = (ctx: ScenarioHostContext) => unknown;

/** A scenario's hosts: a factory per host name. */
export type ScenarioHosts = Record<string, ScenarioHostFactory>;

/**
 * What a host's factory returns (awaited): the type `ctx.host(name)` gives. A factory typed only
 * as ScenarioHostFactory (returning unknown) gives any, as `ctx.host` always did.
 */
export type HostState<F> = F extends (...args: never[]) => infer R ? (unknown extends R ? any : Awaited<R>) : never;

export type Phase = 'safety' | 'liveness' | 'invariants';

/** What the workload, liveness and invariants callbacks receive; `H` is the scenario's hosts, so `ctx.host('client')` has the client's type. */
export interface ScenarioContext<H extends ScenarioHosts = ScenarioHosts> {
  readonly sim: Simulation;
  readonly seed: number;
  /** Forked from the seed with label 'workload'. */
  readonly random: RandomPort;
  readonly history: History;
  /** The scenario's hosts, in declaration order. */
  readonly hostNames: readonly string[];
  /** The driver's loop (the simulation's own: no host owns it, no fault touches it). */
  readonly loop: LoopPort;
  /** The phase now running: the workload can stop adding load once it is 'liveness'. */
  readonly phase: Phase;
  readonly durationMs: number;
  readonly livenessMs: number;
  /** The state the host's factory returned, for its live incarnation; throws if the host is down or starting. */
  host<K extends keyof H & string>(name: K): HostState<H[K]>;
  /** As above, with the state's type given: `ctx.host<Client>('client')` (without it, a name not among the hosts gives never). */
  host<S = never>(name: string): S;
  /** The durable store of a host (see ScenarioHostContext.disk). */
  disk(name: string): Map<string, unknown>;
  /** Resolves after `ms` of virtual time on the driver's loop. */
  sleep(ms: number): Promise<void>;
}

/** Limits on the plans a nemesis or swarm draws for this scenario. */
export interface ScenarioNemesisOptions {
  /** Fault kinds a generated plan may use. Default: every kind the hosts allow. */
  kinds?: FaultKind[];
  /** Hosts a generated plan may crash (crashes of other hosts are left out). Default: every host. */
  crashable?: string[];
}

export interface ScenarioSpec<H extends ScenarioHosts = ScenarioHosts> {
  name: string;
  hosts: H;
  /** Drives the hosts; started at virtual time 0 once every host has started. Must finish by the end of the liveness phase. */
  workload: (ctx: ScenarioContext<NoInfer<H>>) => Promise<void> | void;
  /** The plan (absolute virtual times), or a function of a random forked 'faults' and the host names. Default none. */
  faults?: FaultPlan | ((random: RandomPort, hostNames: readonly string[]) => FaultPlan);
  /** Called when the liveness phase starts (every fault healed): register `ctx.sim.eventually` checks here. */
  liveness?: (ctx: ScenarioContext<NoInfer<H>>) => Promise<void> | void;
  /** Called after the liveness phase, outside the simulation: throw to fail the run. */
  invariants?: (ctx: ScenarioContext<NoInfer<H>>) => Promise<void> | void;
  /** Length of the safety phase (ms of virtual time). */
  durationMs: number;
  /** Length of the liveness phase (ms). Default durationMs. */
  livenessMs?: number;
  /** Step budget of a whole run. Default 10,000,000. */
  stepsMax?: number;
  /** Limits on generated (nemesis, swarm) plans. */
  nemesis?: ScenarioNemesisOptions;
  /**
   * Links that lose or duplicate single messages (a radio hop, a UDP bridge): only on these may
   * drop and duplicate faults act, and a nemesis or swarm draws them only here. ZeroMQ over tcp
   * and ipc never does either on a live connection, so the default is none. A side left out
   * means every host: `[{ from: ['sensor'] }]` makes every link out of 'sensor' lossy.
   */
  lossyLinks?: LinkScope[];
}

const SPEC_KEYS = ['name', 'hosts', 'workload', 'faults', 'liveness', 'invariants', 'durationMs', 'livenessMs', 'stepsMax', 'nemesis', 'lossyLinks'];
export const SCENARIO_STEPS_MAX = 10_000_000;
const BRAND = Symbol.for('toto.scenario');

export interface Scenario<H extends ScenarioHosts = ScenarioHosts> extends Readonly<Omit<ScenarioSpec<H>, 'livenessMs' | 'stepsMax' | 'lossyLinks'>> {
  readonly hostNames: readonly string[];
  /** The declared lossy links (empty: none, the default). */
  readonly lossyLinks: readonly LinkScope[];
  readonly livenessMs: number;
  readonly stepsMax: number;
  /** Where defineScenario was called (from the call stack); runMain registers the module itself, see scenarioFile(). */
  readonly file: string | undefined;
  readonly [BRAND]: true;
}

/** Validates a scenario and returns it frozen. Errors name the field: `defineScenario: durationMs: expected ...`. */
export function defineScenario<H extends ScenarioHosts>(spec: ScenarioSpec<H>): Scenario<H> {
  const file = callerFile();
  try {
    return Object.freeze(checkSpec(spec as unknown as ScenarioSpec, file)) as unknown as Scenario<H>;
  } catch (error) {
    if (error instanceof Error) error.message = `defineScenario${spec && typeof spec.name === 'string' && spec.name !== '' ? ` ${JSON.stringify(spec.name)}` : ''}: ${error.message}`;
    throw error;
  }
}

function checkSpec(spec: ScenarioSpec, file: string | undefined): Scenario {
  if (spec === null || typeof spec !== 'object') throw new TypeError(expected('spec', 'an object { name, hosts, workload, durationMs, ... }', spec));
  checkOptions('options', spec, SPEC_KEYS);
  if (spec.name === undefined) throw new TypeError('name: missing (give the scenario a name: defineScenario({ name: "my-service", ... }))');
  checkNonEmptyString('name', spec.name);
  const hostNames = checkHosts(spec.hosts);
  if (spec.workload === undefined) throw new TypeError('workload: missing (a function (ctx) => Promise<void> that drives the hosts)');
  checkFunction('workload', spec.workload);
  if (spec.durationMs === undefined) throw new TypeError('durationMs: missing (virtual milliseconds of the safety phase)');
  checkInteger('durationMs', spec.durationMs, 1);
  const livenessMs = spec.livenessMs ?? spec.durationMs;
  checkInteger('livenessMs', livenessMs, 0);
  const stepsMax = spec.stepsMax ?? SCENARIO_STEPS_MAX;
  checkInteger('stepsMax', stepsMax, 1);
  if (spec.liveness !== undefined) checkFunction('liveness', spec.liveness);
  if (spec.invariants !== undefined) checkFunction('invariants', spec.invariants);
  const lossyLinks = spec.lossyLinks ?? [];
  checkLossyLinks('lossyLinks', lossyLinks, hostNames);
  if (typeof spec.faults !== 'function' && spec.faults !== undefined) checkFaultPlan(spec.faults, hostNames, lossyLinks);
  checkNemesis(spec.nemesis, hostNames);
  return { ...spec, hostNames, lossyLinks: lossyLinks.map((l) => ({ ...l })), livenessMs, stepsMax, file, [BRAND]: true };
}

function checkHosts(hosts: unknown): string[] {
  if (hosts === undefined) throw new TypeError('hosts: missing (an object of host factories: { server: (ctx) => ..., client: (ctx) => ... })');
  if (hosts === null || typeof hosts !== 'object' || Array.isArray(hosts)) throw new TypeError(expected('hosts', 'an object of host factories', hosts));
  const names = Object.keys(hosts);
  if (names.length === 0) throw new RangeError('hosts: expected at least one host, got an empty object');
  for (const name of names) checkFunction(`hosts.${name}`, (hosts as Record<string, unknown>)[name]);
  return names;
}

function checkNemesis(nemesis: ScenarioNemesisOptions | undefined, hostNames: readonly string[]): void {
  if (nemesis === undefined) return;
  checkOptions('nemesis', nemesis, ['kinds', 'crashable']);
  if (nemesis.kinds !== undefined) checkDenseArray('nemesis.kinds', nemesis.kinds, 'an array of fault kinds');
  if (nemesis.crashable !== undefined) checkDenseArray('nemesis.crashable', nemesis.crashable, 'an array of host names');
  nemesis.kinds?.forEach((kind, i) => {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(expected(`nemesis.kinds[${i}]`, `one of ${FAULT_KINDS.join(', ')}`, kind));
  });
  nemesis.crashable?.forEach((host, i) => {
    if (!hostNames.includes(host)) throw new RangeError(expected(`nemesis.crashable[${i}]`, `one of the hosts (${hostNames.join(', ')})`, host));
  });
}

/** True for what defineScenario returned (also across module copies, by a global symbol). */
export function isScenario(value: unknown): value is Scenario {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The scenario a module exports: its default export, else a named export `scenario`. A module
 * compiled as CommonJS (a .ts file in a package that is not "type": "module") arrives as
 * `{ default: module.exports }`, so its exports are looked at too.
 */
export function scenarioOf(module: Record<string, unknown>): Scenario | undefined {
  if (isScenario(module.default)) return module.default;
  if (isScenario(module.scenario)) return module.scenario;
  const cjs = module.default as Record<string, unknown> | null | undefined;
  if (cjs === null || typeof cjs !== 'object') return undefined;
  if (isScenario(cjs.default)) return cjs.default;
  if (isScenario(cjs.scenario)) return cjs.scenario;
  return undefined;
}

/** The file a stack frame names (a path or file URL turned into a path), or undefined. */
function frameFile(frame: string): string | undefined {
  const location = /((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?\s*$/.exec(frame)?.[1];
  if (location === undefined || /\bnode:/.test(frame)) return undefined;
  try {
    return location.startsWith('file://') ? fileURLToPath(location) : location;
  } catch {
    return undefined;
  }
}

/** Where defineScenario was called: the innermost stack frame outside this module (undefined when it cannot tell). */
function callerFile(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  Error.stackTraceLimit = limit;
  for (const frame of stack) {
    const file = frameFile(frame);
    if (file !== undefined && !ownFiles.has(file)) return file;
  }
  return undefined;
}

const thisFile = fileURLToPath(import.meta.url);
/**
 * This module as stack frames name it: its own path, and the path source maps rewrite it to
 * (dist/sim/scenario.js shows as src/sim/scenario.ts under tsx with source maps, a file an
 * installed package does not even ship), so neither is ever taken for the caller.
 */
const ownFiles = new Set([thisFile, frameFile(new Error().stack?.split('\n')[1] ?? '')].filter((f): f is string => f !== undefined));
/** Shared by every copy of this module in the process (like the brand), so runMain's registration is seen by all. */
const registeredFiles: WeakMap<Scenario, string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('toto.scenarioFiles')] ??= new WeakMap()) as WeakMap<Scenario, string>;

/** Records the module a scenario lives in (runMain does, from import.meta.url): replay commands name it. */
export function registerScenarioFile(scenario: Scenario, file: string): void {
  if (isScenario(scenario)) registeredFiles.set(scenario, file);
}

/** True when `file` is the module whose runMain registered the scenario (so `npx tsx file` runs it). */
export function runsItself(scenario: Scenario, file: string | undefined): boolean {
  const registered = registeredFiles.get(scenario);
  return registered !== undefined && file !== undefined && path.resolve(registered) === path.resolve(file);
}

/** The scenario's module: as registered by runMain, else where defineScenario was called. */
export function scenarioFile(scenario: Scenario): string | undefined {
  return registeredFiles.get(scenario) ?? scenario.file;
}

/** A path for a command line: relative to the working directory, quoted when the shell needs it. */
export function commandPath(file: string | undefined): string {
  if (file === undefined) return '<scenario-file.ts>';
  const relative = path.relative(process.cwd(), file).split(path.sep).join('/');
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return /^[\w./@+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`;
}

export { runScenario, type RunScenarioOptions, type ScenarioResult } from './run-scenario.js';
