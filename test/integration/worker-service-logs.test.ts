// Proves worker processes log (pino JSON lines on their stderr, shown in the parent's: the worker's name and pid on each line, at the level asked) and that TypeScript methods load in a worker whose entry is plain .js (the service run from dist): a .js child imports a .ts module with the loader startWorkerService adds, and fails without it.
import { afterEach, expect, it, vi } from 'vitest';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { ProcessGroup, typeScriptLoaderArgs } from '../../src/adapters/process-group.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { startWorkerService, type WorkerServiceHandle } from '../../src/adapters/worker-service-node.js';
import { ErrorCode, type TotoError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { ZmqWorkerConnection } from '../../src/core/zmq-worker-connection.js';

const METHODS = fileURLToPath(new URL('../fixtures/worker-methods', import.meta.url));
const IMPORT_CHILD = fileURLToPath(new URL('./fixtures/import-child.mjs', import.meta.url));
const TS_METHOD = pathToFileURL(fileURLToPath(new URL('../fixtures/worker-methods/return_value.ts', import.meta.url))).href;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Lines written to this process's stderr from now on (not shown). */
function captureStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((line) => line !== ''));
    return true;
  });
  return lines;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (const untilMs = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > untilMs) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function parsed(lines: string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

it("a worker process logs on its stderr, shown in the parent's: a method that throws at error, its start at info", async () => {
  const lines = captureStderr();
  const service: WorkerServiceHandle = await startWorkerService({ methods: METHODS, processes: 1, bindAddress: 'tcp://127.0.0.1:*', output: 'inherit', workerLogLevel: 'info' });
  cleanups.push(() => service.close(1000));
  const loop = new LoopNode();
  const transport = new TransportZmq();
  const conn = new ZmqWorkerConnection({ transport, loop, random: new Random(1), address: service.addresses.bind!, timeoutMs: 10_000, socketOptions: { lingerMs: 0 } });
  cleanups.push(async () => (await conn.close(), await transport.close(), loop.close()));
  const error = (await conn.invoke('throw_exception', {}).catch((e: unknown) => e)) as TotoError;
  expect([error.code, error.value]).toEqual([ErrorCode.SERVER, 'Test Exception']);
  const [pid] = service.pids;
  await until(() => parsed(lines).some((line) => line.msg === 'worker: method failed'), 'the failed method logged');
  const logged = parsed(lines).filter((line) => line.pid === pid);
  expect(logged.find((line) => line.msg === 'worker: method failed')).toMatchObject({ level: 50, worker: `worker-${process.pid}-0`, method: 'throw_exception', err: { message: 'Test Exception' } });
  expect(logged.some((line) => line.msg === 'worker: serving' && line.level === 30)).toBe(true);
});

it('workerLogLevel is checked before anything starts', async () => {
  await expect(startWorkerService({ methods: METHODS, workerLogLevel: 'loud' as never })).rejects.toThrow(
    new RangeError('workerLogLevel: expected one of trace, debug, info, warn, error, fatal, silent, got "loud"'),
  );
});

it('a .js worker entry imports a TypeScript module with the loader a TypeScript methods directory gets, and fails without it', async () => {
  const env = { IMPORT_CHILD_MODULE: TS_METHOD };
  const plain = ProcessGroup.start({ entry: IMPORT_CHILD, count: 1, output: 'ignore', env, execArgv: [] });
  await expect(plain).rejects.toThrow(/failed to start: Unknown file extension "\.ts"/);
  const group = await ProcessGroup.start({ entry: IMPORT_CHILD, count: 1, output: 'ignore', env, execArgv: typeScriptLoaderArgs('test') });
  cleanups.push(() => group.stop());
  expect(group.children[0]?.info).toEqual({ value: { parameters: undefined } });
});
