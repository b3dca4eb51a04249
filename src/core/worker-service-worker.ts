// One worker of a worker service (Toto's TotoWorker in a worker process): the startup hook,
// then a WorkerRepServer that connects to the service's worker socket (Toto: the balancer's
// DEALER, or another service's router in router-only setups) or binds it (direct mode: clients
// connect straight to this worker), and the control agent that answers status and shutdown.
// Ports only: a worker process in production and a simulated host run this same code.

import type { IdempotencyWindowOptionsOf } from './worker-dispatch.js';
import { silentLogger, type Logger, type LoopPort, type RandomPort, type TimerHandle } from './ports.js';
import type { SocketOptions, TransportPort } from './transport.js';
import { checkLogger, checkNonEmptyString, checkOneOf, checkOptions, expected } from './validate.js';
import type { WireCodecs, WireOptions } from './wire.js';
import { WorkerControlAgent } from './worker-control-agent.js';
import type { WorkerReport } from './worker-control-wire.js';
import { WorkerDispatcher } from './worker-dispatch.js';
import { WorkerMethods } from './worker-methods.js';
import { WorkerRepServer } from './worker-rep-server.js';
import { jsonSerialization, noCompression } from './codec.js';

/** Toto's `worker`, handed to every method and to the startup hook; a hook may add fields (Toto's worker.db). */
export interface ServiceWorker {
  readonly name: string;
  /** The process id in production; a per-host id in the simulation. */
  readonly pid: number | string | undefined;
  readonly host: string | undefined;
  /** The worker's index in its service (Toto's service_id). */
  readonly serviceId: number;
  readonly logger: Logger;
  /** The worker's loop: methods wait on it (not on timers of their own), so they run alike in the simulation. */
  readonly loop: LoopPort;
  [extra: string]: unknown;
}

export interface WorkerRoleOptions {
  transport: TransportPort;
  loop: LoopPort;
  random: RandomPort;
  logger?: Logger;
  methods: WorkerMethods<ServiceWorker> | WorkerMethods<unknown>;
  /** The service's worker socket address (Toto's worker_socket_address). */
  socketAddress: string;
  /** 'connect' (Toto's, the default): to a balancer's DEALER. 'bind': direct mode, clients connect to this worker. */
  socketMode?: 'connect' | 'bind';
  /** The router's control address; '' or absent: no control agent. */
  controlAddress?: string;
  /** The worker's index in its service. Default 0. */
  serviceId?: number;
  /** Unique in the service. Default `worker-<serviceId>`. */
  name?: string;
  pid?: number | string;
  host?: string;
  /** Default JSON, uncompressed (Toto peers set to JSON read it). */
  codecs?: WireCodecs;
  wire?: WireOptions;
  /** Beyond Toto: replies kept by call id for a TTL, so a retried call is not run twice. */
  idempotency?: IdempotencyWindowOptionsOf;
  /** Toto's startup_function: runs before the worker listens; a failure fails the start. */
  startup?: (worker: ServiceWorker) => unknown;
  /** Run @asynchronous methods one at a time, as Toto did. Default false. */
  awaitAsynchronous?: boolean;
  /** Options of the REP socket. Default lingerMs 1000, so the last reply still goes out after a drain. */
  socketOptions?: SocketOptions;
  helloIntervalMs?: number;
}

const OPTION_NAMES = [
  'transport', 'loop', 'random', 'logger', 'methods', 'socketAddress', 'socketMode', 'controlAddress', 'serviceId', 'name', 'pid', 'host',
  'codecs', 'wire', 'idempotency', 'startup', 'awaitAsynchronous', 'socketOptions', 'helloIntervalMs',
];

export class WorkerRole {
  readonly worker: ServiceWorker;
  private readonly loop: LoopPort;
  private readonly logger: Logger;
  private readonly dispatcher: WorkerDispatcher<ServiceWorker>;
  private readonly server: WorkerRepServer<ServiceWorker>;
  private agent: WorkerControlAgent | undefined;
  private readonly startedMs: number;
  private state: WorkerReport['status'] = 'Listening';
  private stopping: Promise<void> | undefined;
  private resolveDone!: () => void;
  /** Resolves once the worker has stopped (shutdown command, shutdown() or close()). */
  readonly done: Promise<void>;

  /** Runs the startup hook, then serves; rejects (with everything closed) if either fails. */
  static async start(options: WorkerRoleOptions): Promise<WorkerRole> {
    const role = new WorkerRole(options);
    try {
      await role.begin(options);
    } catch (error) {
      await role.close();
      throw error;
    }
    return role;
  }

  private constructor(options: WorkerRoleOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(expected('worker options', 'an options object', options));
    checkOptions('worker options', options, OPTION_NAMES);
    const { transport, loop, random, methods, socketAddress, socketMode = 'connect', serviceId = 0 } = options;
    checkLogger('logger', options.logger ?? silentLogger);
    if (!(methods instanceof WorkerMethods)) throw new TypeError(expected('methods', 'a WorkerMethods (from a map or a directory)', methods));
    checkNonEmptyString('socketAddress', socketAddress);
    checkOneOf('socketMode', socketMode, ['connect', 'bind']);
    if (typeof serviceId !== 'number' || !Number.isInteger(serviceId) || serviceId < 0) throw new RangeError(expected('serviceId', 'an integer >= 0', serviceId));
    const name = options.name ?? `worker-${serviceId}`;
    checkNonEmptyString('name', name);
    if (options.controlAddress !== undefined && typeof options.controlAddress !== 'string') throw new TypeError(expected('controlAddress', 'a string', options.controlAddress));
    if (options.startup !== undefined && typeof options.startup !== 'function') throw new TypeError(expected('startup', 'a function', options.startup));
    // Every line of this worker (its dispatcher's, its methods') names it.
    const logger = (options.logger ?? silentLogger).child({ worker: name });
    this.loop = loop;
    this.logger = logger;
    this.startedMs = loop.now();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.worker = { name, pid: options.pid, host: options.host, serviceId, logger, loop };
    this.dispatcher = new WorkerDispatcher<ServiceWorker>({
      methods: methods as WorkerMethods<ServiceWorker>,
      worker: this.worker,
      codecs: options.codecs ?? { serialization: jsonSerialization, compression: noCompression },
      loop,
      logger,
      ...(options.wire === undefined ? {} : { wire: options.wire }),
      ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
    });
    this.server = new WorkerRepServer<ServiceWorker>({
      transport,
      dispatcher: this.dispatcher,
      loop,
      logger,
      socketOptions: { lingerMs: 1_000, ...options.socketOptions },
      ...(options.awaitAsynchronous === undefined ? {} : { awaitAsynchronous: options.awaitAsynchronous }),
    });
    if (options.controlAddress) {
      this.agent = new WorkerControlAgent({
        transport,
        loop,
        random,
        logger,
        address: options.controlAddress,
        info: { name, ...(options.pid === undefined ? {} : { pid: options.pid }), ...(options.host === undefined ? {} : { host: options.host }), serviceId },
        report: () => this.report(),
        onShutdown: (deadlineMs) => this.drain(deadlineMs),
        ...(options.helloIntervalMs === undefined ? {} : { helloIntervalMs: options.helloIntervalMs }),
      });
      void this.agent.done.then(() => this.shutdown(0));
    }
  }

  private async begin(options: WorkerRoleOptions): Promise<void> {
    if (options.startup) {
      try {
        await options.startup(this.worker);
      } catch (error) {
        throw new Error(`worker ${this.worker.name}: the startup hook failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    }
    if ((options.socketMode ?? 'connect') === 'bind') await this.server.bind(options.socketAddress);
    else this.server.connect(options.socketAddress);
    this.agent?.start();
    this.logger.info({ socket: this.server.lastEndpoint, mode: options.socketMode ?? 'connect' }, 'worker: serving');
  }

  /** The worker socket's endpoint (in direct mode, the port a `tcp://host:*` bind chose). */
  get endpoint(): string | null {
    return this.server.lastEndpoint;
  }

  report(): WorkerReport {
    const served = this.server.stats;
    const inFlight = Math.max(0, this.dispatcher.stats.requests - served.served - served.acks);
    const { name, pid, host, serviceId } = this.worker;
    return {
      name,
      ...(pid === undefined ? {} : { pid }),
      ...(host === undefined ? {} : { host }),
      serviceId,
      status: this.state,
      uptimeMs: this.loop.now() - this.startedMs,
      served: served.served,
      acks: served.acks,
      inFlight: this.state === 'Finished' ? 0 : inFlight,
      errors: served.errors,
    };
  }

  /**
   * Stops taking calls; the call in hand is answered if it finishes within `deadlineMs`, then the
   * worker socket closes. The control agent (if any) stays, to report; shutdown() closes it too.
   */
  async drain(deadlineMs: number): Promise<void> {
    if (this.state === 'Finished') return;
    this.state = 'Draining';
    let timer: TimerHandle | undefined;
    const deadline = new Promise<void>((resolve) => (timer = this.loop.callLater(deadlineMs, resolve)));
    await Promise.race([this.server.drain(), deadline]);
    if (timer) this.loop.cancel(timer);
    const report = this.report();
    if (report.inFlight > 0) this.logger.warn({ inFlight: report.inFlight, deadlineMs }, 'worker: calls still running at the drain deadline');
    // Not awaited: the loop ends only once a method still running returns; its reply then finds the socket closed.
    void this.server.close();
    this.state = 'Finished';
  }

  /** drain(deadlineMs), then closes the control agent; `done` resolves. */
  shutdown(deadlineMs: number): Promise<void> {
    this.stopping ??= (async () => {
      await this.drain(deadlineMs);
      await this.agent?.close();
      const { status, uptimeMs, served, acks, errors } = this.report();
      this.logger.info({ status, uptimeMs, served, acks, errors }, 'worker: finished');
      this.resolveDone();
    })();
    return this.stopping;
  }

  /** Stops at once: a call in hand is not waited for. */
  close(): Promise<void> {
    return this.shutdown(0);
  }
}

