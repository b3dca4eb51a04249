// One HTTP worker process: serves every method of a methods directory (worker-methods-dir.ts)
// with HttpWorkerServer on TransportHttp, and says where once it listens. Real-process tests and
// benchmarks start it and stop it by pid (SIGTERM: close and exit 0):
//
//   node --import tsx src/adapters/http-worker-process-main.ts --methods <dir> [--address http://127.0.0.1:0] [--log-level warn]
//
// Once listening it prints one line `{"listening":"http://127.0.0.1:<port>","pid":<pid>}` on
// stdout, and sends the same object over IPC when started with one (child_process.fork). Requests
// are read as JSON, or msgpack (zlib-compressed, as Toto sent it), by Content-Type. Each method
// gets the worker `{ pid, loop, sleep(ms) }` (sleep on the process's loop, so a method written
// against it runs unchanged on a simulated host whose worker sleeps in virtual time). It logs pino
// JSON lines on stderr at --log-level (default warn): a method that throws, a malformed request.

import { parseArgs } from 'node:util';
import { createCodecs } from './codecs.js';
import { LoopNode } from './loop-node.js';
import { TransportHttp } from './transport-http.js';
import { loadWorkerMethodsDir } from './worker-methods-dir.js';
import { checkLogLevel, createStderrLogger, WORKER_LOG_LEVEL_DEFAULT } from './worker-service-logger.js';
import { jsonSerialization } from '../core/codec.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../core/http-worker-server.js';
import type { LoopPort } from '../core/ports.js';
import { WorkerDispatcher } from '../core/worker-dispatch.js';

/** What every method of this process gets as its worker. */
export interface HttpProcessWorker {
  readonly pid: number;
  readonly loop: LoopPort;
  sleep(ms: number): Promise<void>;
}

const USAGE = 'usage: http-worker-process-main --methods <dir> [--address http://127.0.0.1:0] [--log-level warn]';

async function main(): Promise<void> {
  let values: { methods?: string; address?: string; 'log-level'?: string };
  try {
    ({ values } = parseArgs({
      options: { methods: { type: 'string' }, address: { type: 'string', default: 'http://127.0.0.1:0' }, 'log-level': { type: 'string', default: WORKER_LOG_LEVEL_DEFAULT } },
      strict: true,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`, { cause: error });
  }
  if (values.methods === undefined) throw new Error(`--methods: missing\n${USAGE}`);
  const logger = createStderrLogger(checkLogLevel('--log-level', values['log-level']), { pid: process.pid });
  const loop = new LoopNode();
  const worker: HttpProcessWorker = {
    pid: process.pid,
    loop,
    sleep: (ms) => new Promise<void>((resolve) => loop.callLater(ms, resolve)),
  };
  const methods = await loadWorkerMethodsDir<HttpProcessWorker>(values.methods);
  const msgpack = createCodecs({ serialization: 'msgpack', compression: 'zlib' });
  const routes = [
    { serialization: jsonSerialization, dispatcher: new WorkerDispatcher({ methods, worker, loop, logger, ...httpWorkerCodecs(jsonSerialization) }) },
    { serialization: msgpack.serialization, dispatcher: new WorkerDispatcher({ methods, worker, loop, logger, ...httpWorkerCodecs(msgpack.serialization, msgpack.compression) }) },
  ];
  const transport = new TransportHttp({ logger });
  const server = new HttpWorkerServer({ transport, routes, logger });
  const address = await server.start(values.address as string);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // The transport's close destroys its servers, requests in progress too: a stop is prompt.
    void transport.close().finally(() => {
      loop.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A parent that goes away (IPC closed) takes this worker with it.
  process.on('disconnect', stop);
  const ready = { listening: address, pid: process.pid };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.send?.(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`http-worker-process-main: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
