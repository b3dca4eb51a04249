// One unit of a `toto sim` sweep: a seed of a scenario file with its fault mode. The main
// thread (single runs) and the worker threads (sweeps) run a task the same way, here. A task
// with `viewer` runs its seed again traced in full (trace, payload previews, log lines) and
// writes the trace viewer file there: a sweep does this for its failures once it is done.

import type { FaultPlan } from '../sim/fault-plan.js';
import { runScenario, type RunScenarioOptions, type ScenarioResult } from '../sim/run-scenario.js';
import type { Scenario } from '../sim/scenario.js';
import { tracedRunOptions } from '../sim/trace-file.js';
import { writeRunViewer } from './trace-viewer.js';

export interface SimTask {
  id: number;
  file: string;
  seed: number;
  swarm?: boolean;
  nemesis?: boolean;
  faults?: FaultPlan;
  /** Write the run's trace viewer file here (the result then carries no trace lines). */
  viewer?: string;
  /** Run traced in full and send back the log lines too (a single run: its --trace file and viewer are written from them). */
  traced?: boolean;
}

export type SimTaskReply = { id: number; result: ScenarioResult; logs?: string[] } | { id: number; error: string };

/** Runs the task's seed of `scenario` with its fault mode (plus `extra` options such as a kept trace). */
export function runSimTask(scenario: Scenario, task: Omit<SimTask, 'id'>, extra: Partial<RunScenarioOptions> = {}): Promise<ScenarioResult> {
  return runScenario(scenario, {
    seed: task.seed,
    file: task.file,
    ...(task.swarm ? { swarm: true } : {}),
    ...(task.nemesis ? { nemesis: true } : {}),
    ...(task.faults ? { faults: task.faults } : {}),
    ...extra,
  });
}

/** Runs the task traced in full: the result with every trace line, and the hosts' log lines. */
export async function runTracedTask(scenario: Scenario, task: Omit<SimTask, 'id'>): Promise<{ result: ScenarioResult; logs: string[] }> {
  const logs: string[] = [];
  const result = await runSimTask(scenario, task, tracedRunOptions(logs));
  return { result, logs };
}

/** Runs the task traced in full and writes its viewer file to `task.viewer`; the result comes back without its trace lines. */
export async function runViewerTask(scenario: Scenario, task: Omit<SimTask, 'id'> & { viewer: string }): Promise<ScenarioResult> {
  const logs: string[] = [];
  const result = await runSimTask(scenario, task, tracedRunOptions(logs));
  writeRunViewer(result, logs, task.viewer);
  const { trace: _trace, ...rest } = result;
  return rest;
}
