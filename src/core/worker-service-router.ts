// The router of a worker service (the process Toto's TotoWorkerService.prepare() ran in): the
// WorkerBalancer (ROUTER on the bind address -> DEALER on the worker socket address), unless the
// bind address is '' (direct mode: no balancer), and the control socket (status, shutdown),
// unless the control address is ''. With no workers of its own (Toto's processes = 0) it is the
// shared router that workers of other services connect to. Ports only: a real process and a
// simulated host run this same code.
//
// Shutdown, in order: the balancer stops taking requests (they wait in the clients' pipes or time
// out at their callers: none is handed to a worker that is leaving); every worker known to the
// control socket drains (the call in hand is answered within the deadline) and reports;
// `beforeClose` runs (the process layer stops what is left of its worker processes); the
// balancer forwards the replies still on their way (until it has sent back as many messages as
// it forwarded, or the deadline); then it closes, the answer goes out and the control socket
// closes. A caller with autoRetry re-sends what it sent during the shutdown, to whoever serves next.

import { silentLogger, type Logger, type LoopPort } from './ports.js';
import type { RouterIdempotencyOptions } from './router-idempotency.js';
import type { SocketOptions, TransportPort } from './transport.js';
import { checkOptions, expected } from './validate.js';
import { WorkerBalancer, WORKER_BIND_ADDRESS_DEFAULT, type WorkerBalancerStats } from './worker-balancer.js';
import { WorkerControlServer, type ShutdownResult, type WorkerServiceStatus } from './worker-control.js';

export interface RouterRoleOptions {
  transport: TransportPort;
  loop: LoopPort;
  logger?: Logger;
  /** Where clients connect (Toto's worker_bind_address). Default `tcp://*:55555`; '' = direct mode, no balancer. */
  bindAddress?: string;
  /** Where workers connect (Toto's worker_socket_address). */
  socketAddress: string;
  /** The control socket (status, shutdown); '' or absent: none. */
  controlAddress?: string;
  /** About this process, for status. */
  info?: { pid?: number | string; host?: string };
  /** More status fields (the process layer adds its worker pids). */
  describe?: () => Record<string, unknown>;
  /** Runs during a shutdown once the workers have drained, before the balancer closes; gets the time left. */
  beforeClose?: (remainingMs: number) => Promise<void>;
  /**
   * Beyond Toto: the balancer keeps replies by call id (router-idempotency.ts), so a retry that
   * would reach another worker than its original is not run twice. Off by default.
   */
  idempotency?: RouterIdempotencyOptions;
  /** Options of the balancer's sockets. Default lingerMs 1000 (replies still queued go out after close). */
  socketOptions?: SocketOptions;
  /** Shutdown's deadline when none is given. Default 5000. */
  shutdownDeadlineMs?: number;
  /** How long status waits for each worker. Default 2000. */
  askTimeoutMs?: number;
  /** A worker not heard from for this long is gone. Default 5000. */
  workerTimeoutMs?: number;
}

const OPTION_NAMES = [
  'transport', 'loop', 'logger', 'bindAddress', 'socketAddress', 'controlAddress', 'info', 'describe', 'beforeClose', 'idempotency', 'socketOptions',
  'shutdownDeadlineMs', 'askTimeoutMs', 'workerTimeoutMs',
];

/** How often a shutdown looks whether the balancer has sent back every reply. */
const QUIET_POLL_MS = 5;

export class RouterRole {
  private readonly loop: LoopPort;
  private readonly logger: Logger;
  private readonly balancer: WorkerBalancer | undefined;
  private readonly control: WorkerControlServer | undefined;
  private readonly socketAddress: string;
  private readonly info: { pid?: number | string; host?: string };
  private readonly describeMore: () => Record<string, unknown>;
  private readonly beforeClose: (remainingMs: number) => Promise<void>;
  private readonly shutdownDeadlineMs: number;
  private readonly startedMs: number;
  private shuttingDown: Promise<ShutdownResult> | undefined;
  private resolveDone!: () => void;
  /** Resolves once the router has stopped (a shutdown command, shutdown() or close()). */
  readonly done: Promise<void>;

  /** Binds the balancer and the control socket; rejects (with everything closed) if a bind fails. */
  static async start(options: RouterRoleOptions): Promise<RouterRole> {
    const role = new RouterRole(options);
    try {
      await role.balancer?.start();
      await role.control?.start();
    } catch (error) {
      await role.close();
      throw error;
    }
    return role;
  }

  private constructor(options: RouterRoleOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(expected('router options', 'an options object', options));
    checkOptions('router options', options, OPTION_NAMES);
    const { transport, loop, logger = silentLogger, bindAddress = WORKER_BIND_ADDRESS_DEFAULT, socketAddress, controlAddress = '', info = {} } = options;
    if (typeof bindAddress !== 'string') throw new TypeError(expected('bindAddress', "an address, or '' for direct mode", bindAddress));
    if (typeof socketAddress !== 'string' || socketAddress === '') throw new TypeError(expected('socketAddress', 'the address workers connect to', socketAddress));
    if (typeof controlAddress !== 'string') throw new TypeError(expected('controlAddress', "an address, or '' for none", controlAddress));
    const { describe = () => ({}), beforeClose = async () => undefined, shutdownDeadlineMs = 5_000 } = options;
    if (typeof describe !== 'function') throw new TypeError(expected('describe', 'a function', describe));
    if (typeof beforeClose !== 'function') throw new TypeError(expected('beforeClose', 'a function', beforeClose));
    if (typeof shutdownDeadlineMs !== 'number' || !Number.isFinite(shutdownDeadlineMs) || shutdownDeadlineMs < 0) {
      throw new RangeError(expected('shutdownDeadlineMs', 'a finite number >= 0', shutdownDeadlineMs));
    }
    this.loop = loop;
    this.logger = logger;
    this.socketAddress = socketAddress;
    this.info = info;
    this.describeMore = describe;
    this.beforeClose = beforeClose;
    this.shutdownDeadlineMs = shutdownDeadlineMs;
    this.startedMs = loop.now();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    if (bindAddress !== '') {
      this.balancer = new WorkerBalancer({
        transport,
        loop,
        logger,
        bindAddress,
        socketAddress,
        socketOptions: { lingerMs: 1_000, ...options.socketOptions },
        ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
      });
    }
    if (controlAddress !== '') {
      try {
        this.control = new WorkerControlServer({
          transport,
          loop,
          logger,
          address: controlAddress,
          info,
          describe: () => this.describe(),
          onShutdownBegin: () => this.balancer?.stopAccepting(),
          onShutdown: (remainingMs) => this.stopRest(remainingMs),
          shutdownDeadlineMs,
          ...(options.askTimeoutMs === undefined ? {} : { askTimeoutMs: options.askTimeoutMs }),
          ...(options.workerTimeoutMs === undefined ? {} : { workerTimeoutMs: options.workerTimeoutMs }),
        });
      } catch (error) {
        void this.balancer?.close();
        throw error;
      }
      void this.control.done.then(() => this.resolveDone());
    }
  }

  /** Endpoints as bound (with the ports `tcp://host:*` binds chose); null where there is none. */
  get addresses(): { bind: string | null; socket: string; control: string | null } {
    return { bind: this.balancer?.frontEndpoint ?? null, socket: this.balancer?.backEndpoint ?? this.socketAddress, control: this.control?.endpoint ?? null };
  }

  get balancerStats(): WorkerBalancerStats | undefined {
    return this.balancer?.stats;
  }

  /** The status command's answer (without a control socket: this router alone, no workers listed). */
  status(): Promise<WorkerServiceStatus> {
    if (this.control) return this.control.status();
    return Promise.resolve({ role: 'router', ...this.info, uptimeMs: this.loop.now() - this.startedMs, ...this.describe(), workerCount: 0, served: 0, workers: [] });
  }

  /** The shutdown command (see the top of this file); a second call gets the first one's result. */
  shutdown(deadlineMs = this.shutdownDeadlineMs): Promise<ShutdownResult> {
    if (this.control) {
      const result = this.control.shutdown(deadlineMs);
      // Not through the socket: nobody waits for an answer, so the control socket closes here.
      void result.then(() => this.control?.close());
      return result;
    }
    this.shuttingDown ??= (async () => {
      const startMs = this.loop.now();
      this.balancer?.stopAccepting();
      await this.stopRest(deadlineMs);
      this.resolveDone();
      return { workers: [], tookMs: this.loop.now() - startMs };
    })();
    return this.shuttingDown;
  }

  /** Stops at once: no drain. */
  async close(): Promise<void> {
    await this.balancer?.close();
    this.control?.close();
    if (!this.control) this.resolveDone();
    await this.done;
  }

  private describe(): Record<string, unknown> {
    const base: Record<string, unknown> = {
      addresses: this.addresses,
      ...(this.balancer ? { balancer: this.balancer.stats } : {}),
    };
    try {
      return { ...base, ...this.describeMore() };
    } catch (error) {
      this.logger.warn({ err: error }, 'worker service router: describe failed');
      return base;
    }
  }

  /** After the workers drained: the process layer's part, then the replies still on their way, then the balancer. */
  private async stopRest(remainingMs: number): Promise<void> {
    const startMs = this.loop.now();
    try {
      await this.beforeClose(remainingMs);
    } catch (error) {
      this.logger.error({ err: error }, 'worker service router: stopping the workers failed');
    }
    const balancer = this.balancer;
    if (balancer) {
      const untilMs = startMs + remainingMs;
      // Every request forwarded has its reply (or ack) sent back, or the deadline passed.
      while (!balancer.closed && balancer.stats.toClients < balancer.stats.toWorkers && this.loop.now() < untilMs) {
        await new Promise<void>((resolve) => this.loop.callLater(Math.min(QUIET_POLL_MS, untilMs - this.loop.now()), resolve));
      }
      await balancer.close();
    }
  }
}
