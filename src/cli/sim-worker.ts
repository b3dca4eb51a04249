// A worker thread of `toto sim`: loads scenario modules (tsx registered through execArgv) and
// runs one seed per message, posting the result back. One scenario module is loaded once per
// worker; a load failure is a result too, so the sweep goes on and reports it.

import { parentPort } from 'node:worker_threads';
import { runScenario } from '../sim/run-scenario.js';
import { loadScenario } from './load-scenarios.js';
import type { SimTask, SimTaskReply } from './sim-pool.js';

const port = parentPort;
if (port === null) throw new Error('sim-worker: must run in a worker thread');

port.on('message', (task: SimTask) => {
  void runTask(task).then((reply) => port.postMessage(reply));
});

async function runTask(task: SimTask): Promise<SimTaskReply> {
  try {
    const { scenario } = await loadScenario(task.file);
    const result = await runScenario(scenario, {
      seed: task.seed,
      file: task.file,
      ...(task.swarm ? { swarm: true } : {}),
      ...(task.nemesis ? { nemesis: true } : {}),
      ...(task.faults ? { faults: task.faults } : {}),
    });
    return { id: task.id, result };
  } catch (error) {
    return { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
}
