// The demo's worker methods, loaded in each worker process (startWorkerService's `methods`).
// A method gets Toto's `worker` and the call's parameters; what it returns (or throws) is the reply.

import { TotoError } from '../../src/core/errors.js';
import type { ServiceWorker } from '../../src/core/worker-service-worker.js';

export const methods = {
  greet(worker: ServiceWorker, parameters: { name?: string } | null): string {
    return `hello ${parameters?.name ?? 'stranger'}, from ${worker.name}`;
  },
  square(worker: ServiceWorker, parameters: { n: number }): { n: number; square: number; pid: number | string | undefined } {
    return { n: parameters.n, square: parameters.n * parameters.n, pid: worker.pid };
  },
  // Waits on the worker's loop, so a caller's timeout can cut it short.
  slow(worker: ServiceWorker, parameters: { ms: number }): Promise<string> {
    return new Promise((resolve) => worker.loop.callLater(parameters.ms, () => resolve(`slept ${parameters.ms} ms`)));
  },
  account: {
    withdraw(_worker: ServiceWorker, parameters: { amount: number }): never {
      throw new TotoError(4001, `insufficient funds for ${parameters.amount}`);
    },
  },
};
