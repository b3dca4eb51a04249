// One service process of a TotoService (the part Toto ran in each multiprocessing.Process): it
// reports ready to the master, runs mainLoop with its service id, and exits when mainLoop
// returns. SIGTERM or SIGINT (or the master going away) aborts the context's signal: mainLoop
// finishes the work in hand and returns, within the drain deadline; past it the process exits
// anyway, saying so (code 1).

import { exitWithParent, reportFailed, reportReady, serviceIdFromEnv } from './process-group-child.js';
import { SERVICE_PREPARED_ENV } from './toto-service-processes.js';

export interface ServiceContext<V = Readonly<Record<string, unknown>>> {
  /** This process's service id, 0..processCount()-1 (Toto's self.service_id). */
  readonly serviceId: number;
  /** Aborts when the process is told to stop: finish the work in hand and return. */
  readonly signal: AbortSignal;
  /** What prepare() returned in the master (as JSON). */
  readonly prepared: unknown;
  /** The service's option values. */
  readonly values: V;
  /** Tells the master this process is up, with what it should know (JSON): call it once listening. */
  ready(info?: unknown): void;
}

export interface ChildRunOptions<V> {
  mainLoop: (context: ServiceContext<V>) => unknown;
  values: V;
  /** mainLoop calls context.ready() itself; otherwise the process is ready as mainLoop starts. */
  reportsReady: boolean;
  drainTimeoutMs: number;
  stderr: { write(text: string): unknown };
  /** The name in messages. */
  name: string;
}

/** Runs this process as service process `TOTO_SERVICE_ID`; resolves to its exit code. */
export async function runServiceChild<V>(options: ChildRunOptions<V>): Promise<number> {
  const serviceId = serviceIdFromEnv();
  const prepared = readPrepared();
  const controller = new AbortController();
  let readySent = false;
  const ready = (info: unknown = {}): void => {
    if (readySent) return;
    readySent = true;
    reportReady({ pid: process.pid, ...(info !== null && typeof info === 'object' ? info : { info }) });
  };
  let finished = false;
  const stop = (why: string): void => {
    if (controller.signal.aborted) return;
    controller.abort(new Error(why));
    // Past the deadline the process goes whatever mainLoop is doing.
    setTimeout(() => {
      if (finished) return;
      options.stderr.write(`${options.name} process ${serviceId} (pid ${process.pid}): work still in hand ${options.drainTimeoutMs} ms after ${why}; exiting\n`);
      process.exit(1);
    }, options.drainTimeoutMs).unref();
  };
  const onTerm = (): void => stop('SIGTERM');
  const onInt = (): void => stop('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  let mainDone: Promise<unknown> = Promise.resolve();
  const stopWatching = exitWithParent(() => {
    stop('the master went away');
    return mainDone.then(() => undefined);
  }, options.drainTimeoutMs + 1_000);
  if (!options.reportsReady) ready();
  try {
    mainDone = Promise.resolve(options.mainLoop({ serviceId, signal: controller.signal, prepared, values: options.values, ready }));
    await mainDone;
    if (!readySent) throw new Error('mainLoop returned before it reported ready (context.ready())');
    return 0;
  } catch (error) {
    if (readySent) options.stderr.write(`${options.name} process ${serviceId} (pid ${process.pid}) failed: ${(error as Error)?.message ?? String(error)}\n`);
    else await reportFailed(error);
    return 1;
  } finally {
    finished = true;
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    stopWatching();
  }
}

function readPrepared(): unknown {
  const raw = process.env[SERVICE_PREPARED_ENV];
  if (raw === undefined || raw === '') return null;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new Error(`${SERVICE_PREPARED_ENV}: expected JSON, got ${JSON.stringify(raw.slice(0, 80))}`, { cause: error });
  }
}
