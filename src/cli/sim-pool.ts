// A pool of worker threads for `toto sim`. Each worker loads scenario modules through tsx and
// runs one seed at a time; the pool hands out tasks as workers free up, so a slow seed does not
// hold back the others. A worker that dies fails its task and is replaced, and so does one
// whose run passes the wall-clock deadline (a synchronous infinite loop never yields to the
// simulation's step budget, so only terminating its thread stops it).

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SimTask, SimTaskReply } from './sim-task.js';

/**
 * Memory one worker thread holds once tsx and a scenario are loaded: ~37 MB measured with the
 * bundled scenarios, rounded up for a scenario's own heap.
 */
export const WORKER_BYTES_ESTIMATE = 64 * 1024 * 1024;

/** What bounds the worker threads of a sweep. */
export interface MachineLimits {
  cores: number;
  freeBytes: number;
}

export function machineLimits(): MachineLimits {
  return { cores: os.availableParallelism(), freeBytes: os.freemem() };
}

/**
 * The worker threads to start for `requested`: no more than cores (a sweep is CPU-bound, more
 * threads only share them) nor than free memory holds (256 threads on a small machine ran it out
 * of memory), at least one. `note` says why, when fewer than asked for.
 */
export function capJobs(requested: number, limits: MachineLimits): { jobs: number; note?: string } {
  const byMemory = Math.floor(limits.freeBytes / WORKER_BYTES_ESTIMATE);
  const jobs = Math.max(1, Math.min(requested, limits.cores, byMemory));
  if (jobs >= requested) return { jobs };
  const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;
  const why = byMemory < limits.cores ? `${mib(limits.freeBytes)} free memory holds ${byMemory} at ~${mib(WORKER_BYTES_ESTIMATE)} each` : `${limits.cores} cores`;
  return { jobs, note: `--jobs ${requested} capped to ${jobs} worker thread${jobs === 1 ? '' : 's'} (${why})` };
}

interface Slot {
  worker: Worker;
  /** True once the worker has loaded (tsx and the worker script): only then does it get tasks. */
  ready: boolean;
  task: SimTask | undefined;
  /** Terminates the worker when its run passes the wall-clock deadline. */
  deadline: NodeJS.Timeout | undefined;
  /** Why the worker is being terminated, if the pool did it. */
  killedBecause: string | undefined;
}

interface Waiting {
  task: SimTask;
  resolve(reply: SimTaskReply): void;
}

/** The worker script next to this module (.ts in a checkout, .js when built). */
function workerUrl(): URL {
  const ext = path.extname(fileURLToPath(import.meta.url));
  return new URL(`./sim-worker${ext}`, import.meta.url);
}

/**
 * Workers load .ts files (the worker script in a checkout, scenario files always): a small
 * bootstrap registers tsx (ESM and CommonJS hooks) in the worker (resolved from here, not from the cwd), then imports
 * the worker script. (`execArgv: ['--import', 'tsx']` does not reach a worker's entry module.)
 */
function bootstrapSource(): string {
  const esmApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  // The CommonJS hooks too, as in bin/toto.js: scenario files of a package that is not "type": "module".
  const cjsApi = JSON.stringify(import.meta.resolve('tsx/cjs/api'));
  return `Promise.all([import(${esmApi}), import(${cjsApi})]).then(([esm, cjs]) => { esm.register(); cjs.register(); return import(${JSON.stringify(workerUrl().href)}); });`;
}

export class SimPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private readonly pending = new Map<number, Waiting>();
  private closed = false;
  /** Why the last worker failed to start, once none is left: every task then fails with it. */
  private startFailure: string | undefined;

  constructor(
    readonly size: number,
    private readonly runTimeoutMs: number,
    private readonly runTimeoutLabel = `${runTimeoutMs}ms`,
    /** The worker's code (tests pass a broken one). */
    private readonly workerSource = bootstrapSource(),
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  run(task: SimTask): Promise<SimTaskReply> {
    if (this.closed) return Promise.reject(new Error('SimPool: closed'));
    if (this.startFailure !== undefined) return Promise.resolve({ id: task.id, error: this.startFailure });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) clearTimeout(slot.deadline);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerSource, { eval: true, stdout: false, stderr: false });
    const slot: Slot = { worker, ready: false, task: undefined, deadline: undefined, killedBecause: undefined };
    worker.on('message', (message: SimTaskReply | { ready: true }) => {
      if ('ready' in message) {
        slot.ready = true;
        this.dispatch();
      } else this.finish(slot, message);
    });
    worker.on('error', (error) => this.die(slot, `worker thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) this.die(slot, slot.killedBecause ?? `worker thread exited with code ${code}`);
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task !== undefined) continue;
      const next = this.queue.shift();
      if (next === undefined) return;
      slot.task = next.task;
      this.pending.set(next.task.id, next);
      slot.deadline = setTimeout(() => this.kill(slot), this.runTimeoutMs);
      slot.worker.postMessage(next.task);
    }
  }

  private kill(slot: Slot): void {
    slot.deadline = undefined;
    slot.killedBecause = `run exceeded --run-timeout=${this.runTimeoutLabel} of wall time (a synchronous infinite loop never yields to the step budget); its worker thread was terminated`;
    void slot.worker.terminate();
  }

  private finish(slot: Slot, reply: SimTaskReply): void {
    clearTimeout(slot.deadline);
    slot.deadline = undefined;
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    slot.task = undefined;
    waiting?.resolve(reply);
    this.dispatch();
  }

  private die(slot: Slot, message: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const task = slot.task;
    clearTimeout(slot.deadline);
    if (this.closed) return;
    // A worker that cannot even start (tsx missing, a broken install) would fail again if replaced.
    if (!slot.ready) return this.dropUnstartable(index, message);
    this.slots[index] = this.spawn();
    if (task !== undefined) this.finish(this.slots[index] as Slot, { id: task.id, error: message });
    else this.dispatch();
  }

  private dropUnstartable(index: number, message: string): void {
    this.slots.splice(index, 1);
    if (this.slots.length > 0) return;
    this.startFailure = `no worker thread could start: ${message}`;
    for (const waiting of this.queue.splice(0)) waiting.resolve({ id: waiting.task.id, error: this.startFailure });
  }
}
