// A worker thread of `toto sim`: loads scenario modules (tsx registered through execArgv) and
// runs one seed per message, posting the result back. One scenario module is loaded once per
// worker; a load failure is a result too, so the sweep goes on and reports it.

import { parentPort } from 'node:worker_threads';
import { loadScenario } from './load-scenarios.js';
import { runSimTask, type SimTask, type SimTaskReply } from './sim-task.js';

const port = parentPort;
if (port === null) throw new Error('sim-worker: must run in a worker thread');

port.on('message', (task: SimTask) => {
  void runTask(task).then((reply) => port.postMessage(reply));
});
// Tells the pool the bootstrap (tsx, this module) is done, so a run's deadline covers the run alone.
port.postMessage({ ready: true });

async function runTask(task: SimTask): Promise<SimTaskReply> {
  try {
    const { scenario } = await loadScenario(task.file);
    return { id: task.id, result: await runSimTask(scenario, task) };
  } catch (error) {
    return { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
}
