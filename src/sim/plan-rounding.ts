// After fast-check shrinks a failing plan, its numbers sit on boundaries (a 397ms partition at
// 1237ms): minimal, but noisy to read and to reason about. Rounding tries, field by field, the
// simplest numbers near each one (one significant digit, then two) and keeps a number whenever
// the run still fails the same way, so the case reads "400ms at 1200ms" when that fails too.
// Rates round in percent (0.37 -> 0.4). Every candidate costs a run, so the runs are bounded.

import { checkInteger, checkOptions } from '../core/validate.js';
import { faultPlanProblems } from './fault-plan-check.js';
import type { Fault, FaultPlan, LossyLinks } from './fault-plan.js';

export interface RoundFaultPlanOptions {
  /** Runs the scenario with a candidate plan: true when it fails as the original did. */
  stillFails: (plan: FaultPlan) => Promise<boolean>;
  /** The scenario's hosts: a candidate must be a valid plan for them. */
  hosts: readonly string[];
  lossyLinks?: LossyLinks;
  /** The safety phase: a fault never moves to or past its end. */
  durationMs: number;
  /** Most candidate runs. Default 64. */
  runsMax?: number;
}

export interface RoundedPlan {
  plan: FaultPlan;
  /** Candidate plans run. */
  runs: number;
}

/** The numeric fields rounding looks at, in the order it tries them. */
const NUMBER_FIELDS = ['atMs', 'durationMs', 'restartAfterMs', 'deltaMs', 'minMs', 'maxMs', 'rate'] as const;

/**
 * Simpler numbers near `value`, simplest first: with one significant digit (nearest, then the
 * other side), then with two. Empty when `value` has one significant digit already.
 */
export function simplerValues(value: number): number[] {
  if (!Number.isInteger(value) || value === 0) return [];
  const sign = Math.sign(value);
  const magnitude = Math.abs(value);
  const candidates: number[] = [];
  const digits = Math.floor(Math.log10(magnitude)) + 1;
  for (let kept = 1; kept < digits; kept++) {
    const step = 10 ** (digits - kept);
    const nearest = Math.round(magnitude / step) * step;
    const other = nearest > magnitude ? Math.floor(magnitude / step) * step : Math.ceil(magnitude / step) * step;
    for (const c of [nearest, other]) if (c !== magnitude && c !== 0 && !candidates.includes(sign * c)) candidates.push(sign * c);
  }
  return candidates;
}

/** Rates are drawn in whole percent: round those (0.37 -> 0.4, 0.3). */
function candidatesFor(field: string, value: number): number[] {
  if (field !== 'rate') return simplerValues(value);
  const percent = Math.round(value * 100);
  return Math.abs(percent / 100 - value) > 1e-9 ? [] : simplerValues(percent).map((p) => p / 100);
}

function withField(plan: FaultPlan, index: number, field: string, value: number): FaultPlan {
  const copy = [...plan];
  copy[index] = { ...(plan[index] as Fault), [field]: value } as Fault;
  return copy;
}

function isSorted(plan: FaultPlan): boolean {
  return plan.every((f, i) => i === 0 || (plan[i - 1] as Fault).atMs <= f.atMs);
}

/**
 * Rounds the numbers of `plan` while it still fails. The plan returned is one that ran and failed
 * (or `plan` itself): faults keep their places while rounding, and the plan is re-sorted by atMs
 * at the end only if that sorted plan fails too.
 */
export async function roundFaultPlan(plan: FaultPlan, options: RoundFaultPlanOptions): Promise<RoundedPlan> {
  checkOptions('roundFaultPlan options', options, ['stillFails', 'hosts', 'lossyLinks', 'durationMs', 'runsMax']);
  const runsMax = options.runsMax ?? 64;
  checkInteger('runsMax', runsMax, 0);
  const valid = (candidate: FaultPlan): boolean =>
    candidate.every((f) => f.atMs < options.durationMs) && faultPlanProblems(candidate, options.hosts, options.lossyLinks ?? []).length === 0;
  let current = [...plan];
  let runs = 0;
  const tryPlan = async (candidate: FaultPlan): Promise<boolean> => {
    if (runs >= runsMax || !valid(candidate)) return false;
    runs++;
    return options.stillFails(candidate);
  };
  for (let index = 0; index < current.length; index++) {
    for (const field of NUMBER_FIELDS) {
      const value = (current[index] as unknown as Record<string, unknown>)[field];
      if (typeof value !== 'number') continue;
      for (const simpler of candidatesFor(field, value)) {
        const candidate = withField(current, index, field, simpler);
        if (await tryPlan(candidate)) {
          current = candidate;
          break;
        }
      }
    }
  }
  if (!isSorted(current)) {
    const sorted = [...current].sort((a, b) => a.atMs - b.atMs);
    if (await tryPlan(sorted)) current = sorted;
  }
  return { plan: current, runs };
}
