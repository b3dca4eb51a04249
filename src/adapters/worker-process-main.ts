// A worker process of startWorkerService (worker-service-node.ts): one WorkerRole on Node's loop
// and real zeromq.js, configured from its environment (worker-service-load.ts), started by a
// ProcessGroup. It reports ready with its pid and endpoint; it stops when the control socket
// says shutdown, on SIGTERM (draining the call in hand), or when its parent goes away (SIGINT
// is left to the parent). It logs
// pino JSON lines on its stderr (worker-service-logger.ts), which the parent shows as its own.

import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import { createCodecs } from './codecs.js';
import { LoopNode } from './loop-node.js';
import { exitWithParent, reportFailed, reportReady, serviceIdFromEnv } from './process-group-child.js';
import { TransportZmq } from './transport-zmq.js';
import { loadServiceMethods, loadStartupHook, readWorkerProcessConfig, WORKER_CONFIG_ENV } from './worker-service-load.js';
import { createStderrLogger } from './worker-service-logger.js';
import { silentLogger, type Logger } from '../core/ports.js';
import { Random } from '../core/random.js';
import { WorkerRole } from '../core/worker-service-worker.js';

/** After the worker stopped: sockets linger up to a second to deliver the last reply; then the process must be gone. */
const EXIT_GRACE_MS = 3_000;

async function main(): Promise<void> {
  const loop = new LoopNode();
  const transport = new TransportZmq();
  let role: WorkerRole | undefined;
  let logger: Logger = silentLogger;
  let stopWatching = (): void => undefined;
  const finish = async (code: number): Promise<void> => {
    await transport.close();
    loop.close();
    process.exitCode = code;
    // Without the IPC channel nothing holds the process: it exits once libzmq's linger is done.
    stopWatching();
    if (process.connected) process.disconnect();
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  };
  // Ctrl-C in a terminal sends SIGINT to the whole process group: the parent decides (it drains
  // the workers and stops them); a worker that died here would lose its call in hand and be
  // restarted in the middle of that shutdown. A parent that dies takes the worker with it.
  process.on('SIGINT', () => logger.info('worker process: SIGINT ignored (its worker service decides)'));
  stopWatching = exitWithParent(async () => {
    logger.warn('worker process: the parent went away; stopping');
    await role?.close();
    await transport.close();
  });
  try {
    const config = readWorkerProcessConfig(process.env[WORKER_CONFIG_ENV]);
    const serviceId = serviceIdFromEnv();
    const name = `${config.namePrefix}-${serviceId}`;
    const processLogger = createStderrLogger(config.logLevel, { pid: process.pid });
    // WorkerRole names the worker on its own lines; this file's lines name it here.
    logger = processLogger.child({ worker: name });
    const methods = await loadServiceMethods(config.methods);
    const startup = config.startup ? await loadStartupHook(config.startup) : undefined;
    role = await WorkerRole.start({
      transport,
      loop,
      random: new Random(randomInt(0x7fffffff)),
      logger: processLogger,
      methods,
      socketAddress: config.socketAddress,
      socketMode: config.socketMode,
      controlAddress: config.controlAddress,
      serviceId,
      name,
      pid: process.pid,
      host: hostname(),
      codecs: createCodecs({ serialization: config.serialization ?? 'json', compression: config.compression ?? 'none' }),
      ...(config.idempotencyTtlMs === undefined ? {} : { idempotency: { ttlMs: config.idempotencyTtlMs } }),
      ...(startup === undefined ? {} : { startup }),
    });
    const started = role;
    process.once('SIGTERM', () => {
      logger.info({ deadlineMs: config.shutdownDeadlineMs }, 'worker process: SIGTERM; draining');
      void started.shutdown(config.shutdownDeadlineMs);
    });
    void started.done.then(() => finish(0));
    reportReady({ pid: process.pid, name: started.worker.name, endpoint: started.endpoint });
  } catch (error) {
    logger.error({ err: error }, 'worker process: could not start');
    await reportFailed(error);
    await role?.close();
    await finish(1);
  }
}

void main();
