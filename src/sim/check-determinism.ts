// Runs one scenario twice on the same seed, keeping every trace line (and a line per
// kernel event), and reports the first line where the two runs differ. A run that fails
// is compared too: both runs must fail the same way. A run with a determinism hazard (real
// work that escaped virtual time) is not deterministic, however alike the two traces look.

import { checkBoolean, checkFunction, checkInteger, checkOptions } from '../core/validate.js';
import { Simulation, type RunHazard, type SimulationOptions } from './simulation.js';

export type DeterminismScenario = (sim: Simulation) => unknown;

export interface CheckDeterminismOptions {
  /** More Simulation options (seed and trace are set by the check). */
  simulation?: Omit<SimulationOptions, 'seed' | 'trace'>;
  /** A trace line per kernel event, to pinpoint a divergence. Default true. */
  eventLines?: boolean;
}

export interface DeterminismReport {
  ok: boolean;
  seed: number;
  /** Trace hash of each run. */
  hashes: [string, string];
  /** Trace lines of the first run. */
  lines: number;
  /** Hazards either run saw (real work completing during it): any makes ok false. */
  hazards: RunHazard[];
  /** Where the runs first differ (ok === false): line index and each run's line there. */
  divergence?: { index: number; first: string | undefined; second: string | undefined };
  /** A one-paragraph summary for a test failure or the CLI. */
  message: string;
}

interface RunRecord {
  lines: string[];
  hash: string;
  hazards: RunHazard[];
}

async function runOnce(scenario: DeterminismScenario, seed: number, options: CheckDeterminismOptions): Promise<RunRecord> {
  const sim = new Simulation({ ...options.simulation, seed, trace: { keepAll: true }, traceEvents: options.eventLines ?? true });
  let failure: string | undefined;
  try {
    await scenario(sim);
  } catch (error) {
    failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const lines = sim.trace.kept();
  if (failure !== undefined) lines.push(JSON.stringify({ kind: 'run-failed', error: failure }));
  return { lines, hash: sim.trace.hash(), hazards: [...sim.hazards] };
}

/** Runs `scenario` twice with `seed`; `ok` when both traces are byte-identical. */
export async function checkDeterminism(scenario: DeterminismScenario, seed: number, options: CheckDeterminismOptions = {}): Promise<DeterminismReport> {
  checkFunction('scenario', scenario);
  checkInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  checkOptions('checkDeterminism options', options, ['simulation', 'eventLines']);
  if (options.eventLines !== undefined) checkBoolean('eventLines', options.eventLines);
  checkOptions('simulation', options.simulation, ['logSink', 'logLevel', 'stepsMax', 'fakeTimers', 'epochMs', 'traceEvents', 'eventCpuMs', 'hazards']);
  const first = await runOnce(scenario, seed, options);
  const second = await runOnce(scenario, seed, options);
  const hashes: [string, string] = [first.hash, second.hash];
  const hazards = [...first.hazards, ...second.hazards];
  if (hazards.length > 0) {
    const names = [...new Set(hazards.map((h) => h.api))].join('; ');
    const message = `not deterministic: seed ${seed}, real work escaped virtual time (determinism hazard: ${names})`;
    return { ok: false, seed, hashes, lines: first.lines.length, hazards, message };
  }
  const n = Math.max(first.lines.length, second.lines.length);
  for (let index = 0; index < n; index++) {
    if (first.lines[index] !== second.lines[index]) {
      const divergence = { index, first: first.lines[index], second: second.lines[index] };
      const message =
        `not deterministic: seed ${seed}, traces diverge at line ${index}\n` +
        `  first run:  ${divergence.first ?? '(end of trace)'}\n` +
        `  second run: ${divergence.second ?? '(end of trace)'}`;
      return { ok: false, seed, hashes, lines: first.lines.length, hazards, divergence, message };
    }
  }
  // Identical lines, yet the hashes differ only if a run failed after its last kept line: report it too.
  const ok = first.hash === second.hash;
  const message = ok
    ? `deterministic: seed ${seed}, ${first.lines.length} trace lines, hash ${first.hash}`
    : `not deterministic: seed ${seed}, identical lines but hashes ${first.hash} and ${second.hash}`;
  return { ok, seed, hashes, lines: first.lines.length, hazards, message };
}
