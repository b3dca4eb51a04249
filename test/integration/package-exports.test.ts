// Proves the published entry points (., ./sim, ./zmq with TransportZmq, ./http with TransportHttp) resolve through package.json's exports map to built JS with type declarations, and that the built toto bin runs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

// Imported in a child process so Node (not vitest's resolver) reads the exports map, as a user's program would.
async function exportsOf(specifier: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`], { cwd: root, timeout: 20_000 });
  return JSON.parse(stdout) as string[];
}

describe('package entry points (npm test builds dist first)', () => {
  it.each([
    ['toto-ts', ['IOLoop', 'LoopNode', 'PeriodicCallback', 'TaskQueue', 'InstancePool', 'AwaitableInstance', 'RoundRobin', 'Random', 'TotoError', 'createCodecs', 'ZmqWorkerConnection', 'HttpWorkerConnection', 'WorkerDispatcher', 'WorkerRepServer', 'WorkerBalancer', 'HttpWorkerServer', 'asynchronous', 'ProcessGroup', 'Options', 'OptionsError', 'EventManager', 'installNodeEventManager', 'TotoService', 'WorkerMethods']],
    ['toto-ts/sim', ['Simulation', 'NetworkSim', 'defineScenario', 'runScenario', 'runMain', 'simProperty', 'faultPlanArbitrary', 'applyFaultPlan', 'checkDeterminism', 'History']],
    ['toto-ts/zmq', ['TransportZmq', 'dealerRequestFrames', 'parseDealerReply', 'encodeInvocation', 'decodeReply', 'SOCKET_TYPES', 'ZmqWorkerConnection', 'startWorkerService', 'sendWorkerCommand', 'EventManager', 'encodeEvent']],
    ['toto-ts/http', ['TransportHttp', 'httpRequestHeaders', 'serializationForContentType', 'encodeInvocation', 'decodeReply', 'HttpWorkerConnection', 'HttpWorkerServer']],
  ])('%s exports its public API', async (specifier, names) => {
    const keys = await exportsOf(specifier);
    for (const name of names) expect(keys).toContain(name);
  });

  it('ships a type declaration for every entry point', () => {
    for (const file of ['dist/index.d.ts', 'dist/sim/index.d.ts', 'dist/zmq.d.ts', 'dist/http.d.ts']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });

  it('does not export internals', async () => {
    const keys = await exportsOf('toto-ts');
    for (const internal of ['TaskRing', 'checkLoop', 'expected', 'checkOptions']) expect(keys).not.toContain(internal);
  });

  it('runs the built CLI: toto --help lists the sim command', async () => {
    // bin/toto.js prefers src/ in a checkout, so the built CLI is driven through its main().
    const script = `const { main } = await import('./dist/cli/toto.js'); process.exitCode = await main(['node', 'toto', '--help']);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 20_000 });
    expect(stdout).toMatch(/sim \[options\]/);
  });
});
