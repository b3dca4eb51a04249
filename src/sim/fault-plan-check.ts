// Validation of a fault plan before it runs: a plan is plain data, often hand-written or
// pasted from a failure report, so every field is checked against the scenario's hosts and
// every problem is reported with its path ("faults[2].host: expected ..., got ...").

import { checkDenseArray, checkNonNegative, checkFinite, checkOneOf, checkOptions, checkRange, expected } from '../core/validate.js';
import { covers } from './link-composition.js';
import { FAULT_KINDS, type Fault, type FaultKind, type FaultPlan, type LinkScope, type LossyLinks } from './fault-plan.js';

/** The fields each kind accepts, in the order a plan prints them. */
export const FAULT_FIELDS: Readonly<Record<FaultKind, readonly string[]>> = {
  partition: ['kind', 'atMs', 'durationMs', 'sideA', 'sideB', 'oneWay'],
  disconnect: ['kind', 'atMs', 'sideA', 'sideB'],
  crash: ['kind', 'atMs', 'host', 'restartAfterMs'],
  pause: ['kind', 'atMs', 'host', 'durationMs'],
  clockJump: ['kind', 'atMs', 'host', 'deltaMs'],
  latency: ['kind', 'atMs', 'durationMs', 'minMs', 'maxMs', 'from', 'to'],
  drop: ['kind', 'atMs', 'durationMs', 'rate', 'from', 'to'],
  duplicate: ['kind', 'atMs', 'durationMs', 'rate', 'from', 'to'],
  hold: ['kind', 'atMs', 'durationMs', 'from', 'to'],
};

/** One problem: its message, and whether it is a wrong type (TypeError) or a wrong value. */
interface Problem {
  message: string;
  isType: boolean;
}

/**
 * Every problem in `plan`, one readable message each (empty when the plan is valid).
 * `hostNames` are the hosts of the scenario; a fault naming another host is an error, and so is
 * a drop or duplicate fault on a link that `lossyLinks` does not declare lossy.
 */
export function faultPlanProblems(plan: unknown, hostNames: readonly string[], lossyLinks: LossyLinks = []): string[] {
  return collectProblems(plan, hostNames, lossyLinks).map((p) => p.message);
}

/**
 * Throws if the plan is invalid: a TypeError if every problem is a wrong type, else a RangeError;
 * the message lists every problem, one a line (a single problem reads exactly as its line).
 */
export function checkFaultPlan(plan: unknown, hostNames: readonly string[], lossyLinks: LossyLinks = []): asserts plan is FaultPlan {
  const problems = collectProblems(plan, hostNames, lossyLinks);
  if (problems.length === 0) return;
  const lines = problems.map((p) => p.message);
  const message = lines.length === 1 ? (lines[0] as string) : `fault plan has ${lines.length} problems:\n${lines.join('\n')}`;
  throw problems.every((p) => p.isType) ? new TypeError(message) : new RangeError(message);
}

function collectProblems(plan: unknown, hostNames: readonly string[], lossyLinks: LossyLinks): Problem[] {
  checkDenseArray('hostNames', hostNames, 'an array of host names');
  if (hostNames.some((h) => typeof h !== 'string')) throw new TypeError(expected('hostNames', 'an array of host names', hostNames));
  if (!Array.isArray(plan)) return [{ message: expected('faults', 'an array of faults', plan), isType: true }];
  const problems: Problem[] = [];
  // An index loop, not forEach: forEach skips the holes of a sparse array, which the injector would read as undefined.
  for (let i = 0; i < plan.length; i++) {
    const path = `faults[${i}]`;
    if (!(i in plan)) {
      problems.push({ message: `${path}: expected a fault object, got an empty slot (a sparse array)`, isType: true });
      continue;
    }
    const fault: unknown = plan[i];
    const shape = run(() => checkShape(path, fault));
    if (shape) {
      problems.push(shape);
      continue;
    }
    const before = problems.length;
    for (const check of fieldChecks(path, fault as Fault, hostNames)) {
      const problem = run(check);
      if (problem) problems.push(problem);
    }
    // Only a well-formed drop/duplicate can be judged against the lossy links.
    if (problems.length === before) {
      const problem = run(() => checkLossy(path, fault as Fault, hostNames, lossyLinks));
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/**
 * Whether `scope` covers the directed link from -> to, by the rule the injector applies faults
 * with (link-composition.ts): an absent side means every host but never a host's link to itself;
 * a host named on both sides does cover its own link (its loopback, ipc and inproc traffic).
 */
export function scopeCovers(scope: LinkScope | undefined, from: string, to: string): boolean {
  return covers(scope, from, to);
}

/** The directed links that `scope` covers but no lossy declaration does. */
export function linksNotLossy(scope: LinkScope | undefined, hosts: readonly string[], lossyLinks: LossyLinks): string[] {
  const missing: string[] = [];
  for (const from of hosts) {
    for (const to of hosts) {
      if (scopeCovers(scope, from, to) && !lossyLinks.some((lossy) => scopeCovers(lossy, from, to))) missing.push(`${from} -> ${to}`);
    }
  }
  return missing;
}

function checkLossy(path: string, f: Fault, hosts: readonly string[], lossyLinks: LossyLinks): void {
  if (f.kind !== 'drop' && f.kind !== 'duplicate') return;
  const missing = linksNotLossy({ ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) }, hosts, lossyLinks);
  if (missing.length === 0 && lossyLinks.length > 0) return;
  const shown = missing.length === 0 ? 'no link is declared lossy' : missing.length > 4 ? `${missing.slice(0, 4).join(', ')} and ${missing.length - 4} more` : missing.join(', ');
  throw new RangeError(
    `${path}: a ${f.kind} fault on links not declared lossy (${shown}): ZeroMQ over tcp or ipc never ${f.kind === 'drop' ? 'loses' : 'duplicates'} a single message ` +
      `on a live connection. Declare the links lossy (defineScenario({ lossyLinks: [{ from: [...], to: [...] }] })) or use partition, disconnect or crash`,
  );
}

function run(check: Check): Problem | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return { message: (error as Error).message, isType: error instanceof TypeError };
  }
}

type Check = () => void;

function checkShape(path: string, fault: unknown): asserts fault is Fault {
  if (fault === null || typeof fault !== 'object' || Array.isArray(fault)) throw new TypeError(expected(path, 'a fault object', fault));
  checkOneOf(`${path}.kind`, (fault as { kind?: unknown }).kind, FAULT_KINDS);
}

/** The checks of one fault's fields, in print order. */
function fieldChecks(path: string, f: Fault, hosts: readonly string[]): Check[] {
  const at = (field: string): string => `${path}.${field}`;
  const checks: Check[] = [() => checkOptions(path, f, FAULT_FIELDS[f.kind]), () => checkNonNegative(at('atMs'), f.atMs)];
  switch (f.kind) {
    case 'disconnect':
      checks.push(
        () => checkHostList(at('sideA'), f.sideA, hosts),
        () => checkHostList(at('sideB'), f.sideB, hosts),
        () => Array.isArray(f.sideA) && Array.isArray(f.sideB) && checkDisjoint(at('sideB'), f.sideA, f.sideB),
      );
      break;
    case 'partition':
      checks.push(
        () => checkNonNegative(at('durationMs'), f.durationMs),
        () => checkHostList(at('sideA'), f.sideA, hosts),
        () => checkHostList(at('sideB'), f.sideB, hosts),
        () => Array.isArray(f.sideA) && Array.isArray(f.sideB) && checkDisjoint(at('sideB'), f.sideA, f.sideB),
        () => checkOptionalBoolean(at('oneWay'), f.oneWay),
      );
      break;
    case 'crash':
      checks.push(
        () => checkHost(at('host'), f.host, hosts),
        () => f.restartAfterMs === undefined || checkNonNegative(at('restartAfterMs'), f.restartAfterMs),
      );
      break;
    case 'pause':
      checks.push(() => checkHost(at('host'), f.host, hosts), () => checkNonNegative(at('durationMs'), f.durationMs));
      break;
    case 'clockJump':
      checks.push(() => checkHost(at('host'), f.host, hosts), () => checkFinite(at('deltaMs'), f.deltaMs));
      break;
    case 'latency':
      checks.push(
        () => checkNonNegative(at('durationMs'), f.durationMs),
        () => checkNonNegative(at('minMs'), f.minMs),
        () => checkNonNegative(at('maxMs'), f.maxMs),
        () => checkMinMax(at('maxMs'), f.minMs, f.maxMs),
        ...scopeChecks(at, f, hosts),
      );
      break;
    case 'drop':
    case 'duplicate':
      checks.push(
        () => checkNonNegative(at('durationMs'), f.durationMs),
        () => checkRange(at('rate'), f.rate, 0, 1),
        ...scopeChecks(at, f, hosts),
      );
      break;
    case 'hold':
      checks.push(
        () => checkNonNegative(at('durationMs'), f.durationMs),
        () => checkHost(at('from'), f.from, hosts),
        () => checkHost(at('to'), f.to, hosts),
        () => {
          if (f.from === f.to) throw new RangeError(expected(at('to'), `a host other than from (${JSON.stringify(f.from)})`, f.to));
        },
      );
      break;
  }
  return checks;
}

function scopeChecks(at: (field: string) => string, f: { from?: unknown; to?: unknown }, hosts: readonly string[]): Check[] {
  return [
    () => f.from === undefined || checkHostList(at('from'), f.from, hosts),
    () => f.to === undefined || checkHostList(at('to'), f.to, hosts),
  ];
}

function oneOfHosts(hosts: readonly string[]): string {
  return hosts.length === 0 ? 'a host name (the scenario has no hosts)' : `one of ${hosts.map((h) => JSON.stringify(h)).join(', ')}`;
}

function checkHost(name: string, value: unknown, hosts: readonly string[]): void {
  if (typeof value !== 'string') throw new TypeError(expected(name, 'a host name', value));
  if (!hosts.includes(value)) throw new RangeError(expected(name, oneOfHosts(hosts), value));
}

function checkHostList(name: string, value: unknown, hosts: readonly string[]): void {
  checkDenseArray(name, value, 'a non-empty array of host names');
  if (value.length === 0) throw new RangeError(expected(name, 'a non-empty array of host names', value));
  value.forEach((host: unknown, i) => checkHost(`${name}[${i}]`, host, hosts));
  const seen = new Set<string>();
  (value as string[]).forEach((host, i) => {
    if (seen.has(host)) throw new RangeError(expected(`${name}[${i}]`, 'a host not already listed', host));
    seen.add(host);
  });
}

function checkDisjoint(name: string, sideA: readonly string[], sideB: readonly string[]): void {
  const both = sideB.find((host) => sideA.includes(host));
  if (both !== undefined) throw new RangeError(expected(name, 'hosts not in sideA', both));
}

function checkMinMax(name: string, minMs: number, maxMs: number): void {
  if (typeof minMs === 'number' && typeof maxMs === 'number' && minMs > maxMs) throw new RangeError(expected(name, `a number >= minMs (${minMs})`, maxMs));
}

function checkOptionalBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(expected(name, 'a boolean', value));
}

/** Checks a lossyLinks declaration against the hosts ("lossyLinks[0].from[1]: expected ..."). */
export function checkLossyLinks(name: string, value: unknown, hosts: readonly string[]): asserts value is LossyLinks {
  checkDenseArray(name, value, 'an array of { from?, to? } link scopes');
  value.forEach((scope: unknown, i) => {
    const path = `${name}[${i}]`;
    if (scope === null || typeof scope !== 'object' || Array.isArray(scope)) throw new TypeError(expected(path, 'a link scope { from?: string[], to?: string[] }', scope));
    checkOptions(path, scope, ['from', 'to']);
    const { from, to } = scope as { from?: unknown; to?: unknown };
    if (from !== undefined) checkHostList(`${path}.from`, from, hosts);
    if (to !== undefined) checkHostList(`${path}.to`, to, hosts);
  });
}

/** Every host a plan names: lets a plan be checked for shape when the hosts are not given. */
export function hostsNamedIn(plan: unknown): string[] {
  const names = new Set<string>();
  if (!Array.isArray(plan)) return [];
  for (const fault of plan as Record<string, unknown>[]) {
    if (fault === null || typeof fault !== 'object') continue;
    for (const key of ['host', 'from', 'to', 'sideA', 'sideB']) {
      const value = fault[key];
      for (const name of Array.isArray(value) ? value : [value]) if (typeof name === 'string') names.add(name);
    }
  }
  return [...names];
}
