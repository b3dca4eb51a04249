// A worker thread of `toto sim`: loads scenario modules (tsx registered through execArgv) and
// runs one seed per message, posting the result back. One scenario module is loaded once per
// worker; a load failure is a result too, so the sweep goes on and reports it. A task with a
// viewer path runs traced in full and writes the trace viewer file of its run.

import { parentPort } from 'node:worker_threads';
import { loadScenario } from './load-scenarios.js';
import { runSimTask, runTracedTask, runViewerTask, type SimTask, type SimTaskReply } from './sim-task.js';

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
    if (task.traced) return { id: task.id, ...(await runTracedTask(scenario, task)) };
    const result = task.viewer === undefined ? await runSimTask(scenario, task) : await runViewerTask(scenario, { ...task, viewer: task.viewer });
    return { id: task.id, result };
  } catch (error) {
    return { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
}
