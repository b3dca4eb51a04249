// The worker side of the control socket (Toto's worker SUBscribed to control_socket_address):
// a DEALER connected to the router's control address that says hello at start and every
// helloIntervalMs, answers 'status' with the worker's report, and answers 'shutdown' once the
// worker has drained (the call in hand answered, within the deadline), then closes.
// See worker-control.ts for the protocol and where it differs from Toto's PUB/SUB.

import { FailureBackoff } from './failure-backoff.js';
import { silentLogger, type Logger, type LoopPort, type RandomPort, type TimerHandle } from './ports.js';
import type { Socket, TransportPort } from './transport.js';
import { checkNonEmptyString, checkOptions, expected } from './validate.js';
import { receiveControlMessages } from './worker-control-receive.js';
import { controlFrames, parseCommandBody, parseControlFrames, type WorkerInfo, type WorkerReport } from './worker-control-wire.js';

export interface WorkerControlAgentOptions {
  transport: TransportPort;
  loop: LoopPort;
  /** Draws the routing id's suffix, so a restarted worker never reuses a live identity. */
  random: RandomPort;
  logger?: Logger;
  /** The router's control address. */
  address: string;
  info: WorkerInfo;
  /** The worker's report now (status, counters). */
  report: () => WorkerReport;
  /** Drains and closes the worker within the deadline; the agent answers once it resolves. */
  onShutdown: (deadlineMs: number) => Promise<void>;
  /** How often the worker says hello (its liveness). Default 1000. */
  helloIntervalMs?: number;
}

const OPTION_NAMES = ['transport', 'loop', 'random', 'logger', 'address', 'info', 'report', 'onShutdown', 'helloIntervalMs'];

export class WorkerControlAgent {
  private readonly socket: Socket;
  private readonly loop: LoopPort;
  private readonly logger: Logger;
  private readonly info: WorkerInfo;
  private readonly report: () => WorkerReport;
  private readonly onShutdown: (deadlineMs: number) => Promise<void>;
  private readonly helloIntervalMs: number;
  private readonly backoff: FailureBackoff;
  private helloTimer: TimerHandle | undefined;
  private pendingSends = 0;
  private sending: Promise<void> = Promise.resolve();
  private shuttingDown = false;
  private closing = false;
  private running: Promise<void> | undefined;
  private resolveDone!: () => void;
  /** Resolves once the agent has closed (after answering a shutdown, or close()). */
  readonly done: Promise<void>;

  constructor(options: WorkerControlAgentOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(expected('WorkerControlAgent options', 'an options object', options));
    checkOptions('WorkerControlAgent options', options, OPTION_NAMES);
    const { transport, loop, random, logger = silentLogger, address, info, report, onShutdown, helloIntervalMs = 1_000 } = options;
    if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') throw new TypeError(expected('transport', 'a TransportPort', transport));
    if (loop === null || typeof loop !== 'object' || typeof loop.callLater !== 'function') throw new TypeError(expected('loop', 'a LoopPort', loop));
    if (random === null || typeof random !== 'object' || typeof random.int !== 'function') throw new TypeError(expected('random', 'a RandomPort', random));
    checkNonEmptyString('address', address);
    if (typeof report !== 'function') throw new TypeError(expected('report', 'a function', report));
    if (typeof onShutdown !== 'function') throw new TypeError(expected('onShutdown', 'a function', onShutdown));
    if (typeof helloIntervalMs !== 'number' || !Number.isFinite(helloIntervalMs) || helloIntervalMs <= 0) {
      throw new RangeError(expected('helloIntervalMs', 'a finite number > 0', helloIntervalMs));
    }
    this.loop = loop;
    this.logger = logger;
    this.info = info;
    this.report = report;
    this.onShutdown = onShutdown;
    this.helloIntervalMs = helloIntervalMs;
    this.backoff = new FailureBackoff(loop);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const routingId = `${info.name}.${random.int(0, 0x7fffffff).toString(36)}`;
    // A short linger: the answer to shutdown still goes out after close().
    this.socket = transport.socket('dealer', { routingId, lingerMs: 1_000 });
    this.socket.connect(address);
  }

  /** Says hello and starts answering. */
  start(): void {
    if (this.running !== undefined || this.closing) return;
    this.hello();
    this.running = this.receiveLoop().catch((error: unknown) => this.log('error', { err: error }, 'worker control agent: receive loop failed'));
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Stops the hellos and closes the socket (an answer being sent lingers up to a second). */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (this.helloTimer) this.loop.cancel(this.helloTimer);
      this.backoff.stop();
      try {
        if (!this.socket.closed) this.socket.close();
      } catch (error) {
        this.log('warn', { err: error }, 'worker control agent: socket close failed');
      }
      void (this.running ?? Promise.resolve()).then(() => this.resolveDone());
    }
    return this.done;
  }

  private hello(): void {
    if (this.closing) return;
    // While the router is away a DEALER send waits: one hello queued is enough.
    if (this.pendingSends === 0) void this.send(controlFrames('hello', '', this.info)).catch(() => undefined);
    this.helloTimer = this.loop.callLater(this.helloIntervalMs, () => this.hello());
  }

  private send(frames: Uint8Array[]): Promise<void> {
    this.pendingSends++;
    const sent = this.sending.then(() => this.socket.send(frames)).finally(() => this.pendingSends--);
    this.sending = sent.catch((error: unknown) => {
      if (!this.closing) this.log('warn', { err: error, code: (error as { code?: unknown })?.code }, 'worker control agent: send failed');
    });
    return sent;
  }

  private receiveLoop(): Promise<void> {
    return receiveControlMessages({
      socket: this.socket,
      backoff: this.backoff,
      stopped: () => this.closing,
      onFailure: (context) => this.log('warn', context, 'worker control agent: receive failed'),
      handle: (frames) => this.handle(frames),
    });
  }

  private async handle(frames: Uint8Array[]): Promise<void> {
    let id: string;
    let command;
    let deadlineMs;
    try {
      const message = parseControlFrames(frames);
      if (message.kind !== 'ask') throw new TypeError(`expected an 'ask', got ${JSON.stringify(message.kind)}`);
      id = message.id;
      ({ command, deadlineMs } = parseCommandBody(message.body));
    } catch (error) {
      this.log('warn', { reason: (error as Error).message }, 'worker control agent: malformed message dropped');
      return;
    }
    this.log('info', { command }, 'worker control agent: command received');
    if (command === 'status') {
      void this.send(controlFrames('report', id, this.safeReport())).catch(() => undefined);
      return;
    }
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    // Answered from a callback of its own: the receive loop goes on, so a status asked meanwhile is answered.
    void this.shutdown(id, deadlineMs ?? 5_000);
  }

  private async shutdown(id: string, deadlineMs: number): Promise<void> {
    try {
      await this.onShutdown(deadlineMs);
    } catch (error) {
      this.log('error', { err: error }, 'worker control agent: shutdown failed');
    }
    try {
      await this.send(controlFrames('report', id, this.safeReport()));
    } catch {
      // Logged by send(); the router's question times out.
    }
    await this.close();
  }

  private safeReport(): WorkerReport {
    try {
      return this.report();
    } catch (error) {
      this.log('error', { err: error }, 'worker control agent: report failed');
      return { ...this.info, status: 'Listening', uptimeMs: 0, served: 0, acks: 0, inFlight: 0, errors: 0 };
    }
  }

  private log(level: 'info' | 'warn' | 'error', context: Record<string, unknown>, message: string): void {
    try {
      this.logger[level](context, message);
    } catch {
      // A logger that throws must not stop the agent.
    }
  }
}
