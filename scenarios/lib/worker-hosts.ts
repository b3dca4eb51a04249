// The hosts of the worker scenarios, built from the library's own parts, unchanged: a router
// (WorkerBalancer: ROUTER for clients on :5555, DEALER for workers on :5556), workers
// (WorkerRepServer + WorkerDispatcher) and a client (ZmqWorkerConnection with autoRetry).
//
// Each worker serves one method, `apply({ op, workMs })`: it works workMs of virtual time and
// then applies the operation -- a counter increment, not idempotent -- recorded in the run's
// WorkerLedger, and answers { op, worker, count }. A crash before the increment leaves the run
// unfinished; a second run of the same op increments again.

import { type IdempotencyWindowOptions, jsonSerialization, noCompression, type RouterIdempotencyOptions, WorkerBalancer, WorkerDispatcher, WorkerMethods, WorkerRepServer, ZmqWorkerConnection } from 'toto-ts';
import type { ScenarioHostContext } from 'toto-ts/sim';
import { workerLedger } from './worker-ledger.js';

export const ROUTER_FRONT = 'tcp://router:5555';
export const ROUTER_BACK = 'tcp://router:5556';
const json = { serialization: jsonSerialization, compression: noCompression };

export interface ApplyParameters {
  op: string;
  workMs: number;
}

export interface ApplyResult {
  op: string;
  worker: string;
  /** How many times this op was applied, this run included. */
  count: number;
}

/** The router host: a WorkerBalancer, with the idempotency window when given. */
export function routerHost(idempotency: RouterIdempotencyOptions | undefined) {
  return async (ctx: ScenarioHostContext): Promise<WorkerBalancer> => {
    const balancer = new WorkerBalancer({
      transport: ctx.transport,
      loop: ctx.loop,
      logger: ctx.logger,
      bindAddress: 'tcp://*:5555',
      socketAddress: 'tcp://*:5556',
      ...(idempotency ? { idempotency } : {}),
    });
    await balancer.start();
    return balancer;
  };
}

export interface WorkerHost {
  readonly name: string;
  readonly server: WorkerRepServer;
  readonly dispatcher: WorkerDispatcher;
}

/** A worker host: a REP server connected to the router's DEALER, with the worker's own window when given. */
export function workerHost(idempotency: Omit<IdempotencyWindowOptions, 'loop'> | undefined) {
  return (ctx: ScenarioHostContext): WorkerHost => {
    const ledger = workerLedger(ctx.history);
    const by = `${ctx.name}#${ctx.incarnation}`;
    const apply = (_worker: unknown, parameters: unknown): Promise<ApplyResult> => {
      const { op, workMs } = parameters as ApplyParameters;
      const run = ledger.start(op, by, ctx.loop.now());
      return new Promise((resolve) => ctx.loop.callLater(workMs, () => resolve({ op, worker: by, count: ledger.apply(run, ctx.loop.now()) })));
    };
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({ apply }),
      worker: null,
      codecs: json,
      loop: ctx.loop,
      logger: ctx.logger,
      ...(idempotency ? { idempotency } : {}),
    });
    const server = new WorkerRepServer({ transport: ctx.transport, dispatcher, loop: ctx.loop, logger: ctx.logger });
    server.connect(ROUTER_BACK);
    return { name: ctx.name, server, dispatcher };
  };
}

export interface ClientOptions {
  /** Each attempt's timeout (ms). */
  timeoutMs: number;
  /** Backoff base and cap before a retry (ms). */
  retryDelayMs: number;
  retryDelayMsMax: number;
  /** Attempts per call (default Infinity). */
  attemptsMax?: number;
}

/** The client host: a ZmqWorkerConnection to the router, every call with autoRetry. */
export function clientHost(options: ClientOptions) {
  return (ctx: ScenarioHostContext): ZmqWorkerConnection =>
    new ZmqWorkerConnection({
      transport: ctx.transport,
      loop: ctx.loop,
      random: ctx.random,
      logger: ctx.logger,
      address: ROUTER_FRONT,
      autoRetry: true,
      ...options,
    });
}
