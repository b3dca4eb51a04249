// One unit of a `toto sim` sweep: a seed of a scenario file with its fault mode. The main
// thread (single runs) and the worker threads (sweeps) run a task the same way, here.

import type { FaultPlan } from '../sim/fault-plan.js';
import { runScenario, type RunScenarioOptions, type ScenarioResult } from '../sim/run-scenario.js';
import type { Scenario } from '../sim/scenario.js';

export interface SimTask {
  id: number;
  file: string;
  seed: number;
  swarm?: boolean;
  nemesis?: boolean;
  faults?: FaultPlan;
}

export type SimTaskReply = { id: number; result: ScenarioResult } | { id: number; error: string };

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
