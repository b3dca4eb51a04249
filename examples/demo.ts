// `npm start`: the whole product on one machine in about a minute. Real processes first: a
// worker service (a router here, two worker processes) on 127.0.0.1 taking calls, and events
// between this process and two event server processes that call the workers in turn. Then the
// simulation: `toto sim` sweeps the bundled scenarios over 500 seeds, catches the planted bugs
// and writes a trace viewer file of one. Ctrl-C at any point closes everything it started.
//
// Environment: TOTO_DEMO_SEEDS (default 500) seeds of the sweep; TOTO_DEMO_OUT (default
// .toto-traces) where the viewer file and the sweep's JSON summary go.

import { resolve } from 'node:path';
import { Cleanup, closeOnSignals } from './demo/cleanup.js';
import { runEvents } from './demo/events.js';
import { say } from './demo/say.js';
import { runSweep } from './demo/sweep.js';
import { startWorkers } from './demo/workers.js';

const SEEDS_DEFAULT = 500;
const SEEDS_MAX = 100_000;

function seedsFromEnv(): number {
  const text = process.env.TOTO_DEMO_SEEDS;
  if (text === undefined || text === '') return SEEDS_DEFAULT;
  const seeds = Number(text);
  if (!/^\d+$/.test(text) || seeds < 1 || seeds > SEEDS_MAX) {
    process.stderr.write(`TOTO_DEMO_SEEDS: expected an integer in [1, ${SEEDS_MAX}], got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return seeds;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const startedMs = performance.now();
  const seeds = seedsFromEnv();
  const outDir = resolve(process.env.TOTO_DEMO_OUT || '.toto-traces');
  const cleanup = new Cleanup();
  closeOnSignals(cleanup);
  process.stdout.write(`Toto-TS (npm start): real processes on 127.0.0.1, then a simulated sweep. Demo pid ${process.pid}; Ctrl-C closes everything.\n`);
  try {
    const workers = await startWorkers(cleanup);
    const servers = await runEvents(cleanup, workers.address);

    say('3. Shutting down: the event servers stop, then the router drains its calls and stops its workers');
    const pids = [...servers.pids, ...workers.service.pids];
    await servers.close();
    await workers.close();
    const left = pids.filter(alive);
    say(left.length === 0 ? `processes ${pids.join(' ')} have exited` : `STILL RUNNING: ${left.join(' ')}`);
    if (left.length > 0) return 1;

    const sweep = await runSweep(seeds, outDir);
    say(`done in ${((performance.now() - startedMs) / 1000).toFixed(1)} s${sweep.asExpected ? '' : ': the sweep did not come out as expected (see above)'}`);
    return sweep.asExpected ? 0 : 1;
  } catch (error) {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await cleanup.closeAll();
  }
}

process.exitCode = await main();
