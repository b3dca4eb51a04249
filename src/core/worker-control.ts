// The worker service's control socket, router side: Toto's `--command status|shutdown`, with an
// answer. Toto's commander bound a PUB on control_socket_address, slept a second (slow joiner)
// and published "command <name>" once; workers SUBscribed; nothing answered (each worker only
// logged its pid and status) and shutdown ended a worker at once (context.term()).
//
// Here the router process binds a ROUTER on the control address. Workers connect a DEALER to it
// and say hello at start and every helloIntervalMs (so the router knows who is alive, and no
// command is lost to a slow joiner); a client sends a command and gets an answer:
// - status: this process (pid, host, role, uptime, and what `describe` adds, e.g. the balancer's
//   counters) and each worker's report (pid, status, calls served, in flight), asked over the
//   socket; a worker silent past askTimeoutMs is listed as Unresponsive.
// - shutdown: `onShutdownBegin` runs (the router stops taking requests), every worker drains (the call in hand is answered, within the deadline), reports
//   and closes; then `onShutdown` stops the rest of the router; then the answer goes out and the
//   control socket closes. `done` resolves at that point.
// Frames and bodies: worker-control-wire.ts. Nothing here throws on a peer's bytes: a malformed
// message is logged and dropped, a bad command gets an error answer.

import { ErrorCode, TotoError } from './errors.js';
import { FailureBackoff } from './failure-backoff.js';
import { WorkerRegistry, type KnownWorker } from './worker-control-registry.js';
import { receiveControlMessages } from './worker-control-receive.js';
import { silentLogger, type Logger, type LoopPort } from './ports.js';
import type { Socket, TransportPort } from './transport.js';
import { checkNonEmptyString, checkOptions, expected } from './validate.js';
import {
  controlFrames,
  parseCommandBody,
  parseControlFrames,
  parseWorkerInfo,
  type ControlCommand,
  type ShutdownResult,
  type WorkerEntry,
  type WorkerInfo,
  type WorkerReport,
  type WorkerServiceStatus,
} from './worker-control-wire.js';

export type { ShutdownResult, WorkerEntry, WorkerServiceStatus } from './worker-control-wire.js';

export interface WorkerControlServerOptions {
  transport: TransportPort;
  loop: LoopPort;
  logger?: Logger;
  /** Where the ROUTER binds (`tcp://host:*` picks a port: read `endpoint`). */
  address: string;
  /** About this process, for status: pid (or a per-host id in the simulation) and host. */
  info?: { pid?: number | string; host?: string };
  /** More status fields about the router (addresses, balancer counters). */
  describe?: () => Record<string, unknown>;
  /** Runs as a shutdown begins, before the workers drain (the balancer stops taking requests). */
  onShutdownBegin?: () => void;
  /** Stops the rest of the router once the workers are done; gets the time left of the deadline. */
  onShutdown?: (remainingMs: number) => Promise<void>;
  /** How long status waits for each worker's report. Default 2000. */
  askTimeoutMs?: number;
  /** Shutdown's deadline when the command gives none. Default 5000. */
  shutdownDeadlineMs?: number;
  /** A worker not heard from for this long is gone (it says hello every second by default). Default 5000. */
  workerTimeoutMs?: number;
}

const OPTION_NAMES = ['transport', 'loop', 'logger', 'address', 'info', 'describe', 'onShutdownBegin', 'onShutdown', 'askTimeoutMs', 'shutdownDeadlineMs', 'workerTimeoutMs'];

export class WorkerControlServer {
  private readonly socket: Socket;
  private readonly loop: LoopPort;
  private readonly logger: Logger;
  private readonly address: string;
  private readonly info: { pid?: number | string; host?: string };
  private readonly describe: () => Record<string, unknown>;
  private readonly onShutdownBegin: () => void;
  private readonly onShutdown: (remainingMs: number) => Promise<void>;
  private readonly askTimeoutMs: number;
  private readonly shutdownDeadlineMs: number;
  private readonly startedMs: number;
  private readonly workers: WorkerRegistry;
  private readonly questions = new Map<string, { info: WorkerInfo; settle: (entry: WorkerEntry | undefined) => void }>();
  private readonly backoff: FailureBackoff;
  private questionSeq = 0;
  private sending: Promise<void> = Promise.resolve();
  private running: Promise<void> | undefined;
  private shuttingDown: Promise<ShutdownResult> | undefined;
  private closing = false;
  private resolveDone!: () => void;
  /** Resolves once the control socket is closed (after a shutdown, or close()). */
  readonly done: Promise<void>;

  constructor(options: WorkerControlServerOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(expected('WorkerControlServer options', 'an options object', options));
    checkOptions('WorkerControlServer options', options, OPTION_NAMES);
    const { transport, loop, logger = silentLogger, address, info = {}, describe = () => ({}), onShutdownBegin = () => undefined, onShutdown = async () => undefined } = options;
    if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') throw new TypeError(expected('transport', 'a TransportPort', transport));
    if (loop === null || typeof loop !== 'object' || typeof loop.callLater !== 'function') throw new TypeError(expected('loop', 'a LoopPort', loop));
    checkNonEmptyString('address', address);
    if (typeof describe !== 'function') throw new TypeError(expected('describe', 'a function', describe));
    if (typeof onShutdownBegin !== 'function') throw new TypeError(expected('onShutdownBegin', 'a function', onShutdownBegin));
    if (typeof onShutdown !== 'function') throw new TypeError(expected('onShutdown', 'a function', onShutdown));
    this.askTimeoutMs = positive('askTimeoutMs', options.askTimeoutMs ?? 2_000);
    this.shutdownDeadlineMs = positive('shutdownDeadlineMs', options.shutdownDeadlineMs ?? 5_000);
    this.workers = new WorkerRegistry(positive('workerTimeoutMs', options.workerTimeoutMs ?? 5_000));
    this.loop = loop;
    this.logger = logger;
    this.address = address;
    this.info = info;
    this.describe = describe;
    this.onShutdownBegin = onShutdownBegin;
    this.onShutdown = onShutdown;
    this.startedMs = loop.now();
    this.backoff = new FailureBackoff(loop);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    // mandatory: asking a worker that is gone fails at once (EHOSTUNREACH) instead of vanishing.
    // A short linger: the last answer (to shutdown) is delivered after close.
    this.socket = transport.socket('router', { mandatory: true, lingerMs: 1_000 });
  }

  /** Binds the ROUTER and starts answering. */
  async start(): Promise<void> {
    if (this.closing) throw new Error('worker control: start() after close()');
    try {
      await this.socket.bind(this.address);
    } catch (error) {
      this.close();
      throw new Error(`worker control: cannot bind the control socket on ${this.address}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
    this.running = this.receiveLoop().catch((error: unknown) => this.log('error', { err: error }, 'worker control: receive loop failed'));
  }

  /** The bound endpoint (with the port a `tcp://host:*` bind chose); null before start(). */
  get endpoint(): string | null {
    return this.socket.lastEndpoint;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** The workers heard from within workerTimeoutMs. */
  knownWorkers(): WorkerInfo[] {
    return this.workers.live(this.loop.now()).map((worker) => worker.info);
  }

  /** What the status command answers. */
  async status(): Promise<WorkerServiceStatus> {
    const workers = present(await Promise.all(this.workers.live(this.loop.now()).map((worker) => this.ask(worker, 'status', undefined, this.askTimeoutMs))));
    return {
      role: 'router',
      ...this.info,
      uptimeMs: this.loop.now() - this.startedMs,
      ...this.describe(),
      workerCount: workers.length,
      served: workers.reduce((sum, w) => sum + ('served' in w ? w.served : 0), 0),
      workers,
    };
  }

  /** What the shutdown command does (a second call gets the first one's result). */
  shutdown(deadlineMs = this.shutdownDeadlineMs): Promise<ShutdownResult> {
    if (typeof deadlineMs !== 'number' || !Number.isFinite(deadlineMs) || deadlineMs < 0) {
      return Promise.reject(new RangeError(expected('deadlineMs', 'a finite number >= 0', deadlineMs)));
    }
    this.shuttingDown ??= this.shutdownNow(deadlineMs);
    return this.shuttingDown;
  }

  /** Closes the control socket at once (no drain; see shutdown()). */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.backoff.stop();
    try {
      if (!this.socket.closed) this.socket.close();
    } catch (error) {
      this.log('warn', { err: error }, 'worker control: socket close failed');
    }
    for (const { info, settle } of [...this.questions.values()]) settle({ ...info, status: 'Unresponsive' });
    void (this.running ?? Promise.resolve()).then(() => this.resolveDone());
  }

  private async shutdownNow(deadlineMs: number): Promise<ShutdownResult> {
    const startMs = this.loop.now();
    this.log('info', { deadlineMs, workers: this.workers.live(this.loop.now()).length }, 'worker control: shutdown');
    try {
      this.onShutdownBegin();
    } catch (error) {
      this.log('error', { err: error }, 'worker control: beginning the shutdown failed');
    }
    // A worker answers 'shutdown' once drained; a little past the deadline covers its report's trip.
    const workers = present(await Promise.all(this.workers.live(this.loop.now()).map((worker) => this.ask(worker, 'shutdown', deadlineMs, deadlineMs + this.askTimeoutMs))));
    for (const report of workers) if (report.status === 'Finished') this.workers.forget(report.name);
    const remainingMs = Math.max(0, deadlineMs - (this.loop.now() - startMs));
    try {
      await this.onShutdown(remainingMs);
    } catch (error) {
      this.log('error', { err: error }, 'worker control: stopping the router failed');
    }
    return { workers, tookMs: this.loop.now() - startMs };
  }

  /** Asks one worker: its report, Unresponsive at the timeout, undefined if it is gone. Never rejects. */
  private ask(worker: KnownWorker, command: ControlCommand, deadlineMs: number | undefined, timeoutMs: number): Promise<WorkerEntry | undefined> {
    const id = `q${++this.questionSeq}`;
    return new Promise<WorkerEntry | undefined>((resolve) => {
      const settle = (entry: WorkerEntry | undefined): void => {
        this.loop.cancel(timer);
        this.questions.delete(id);
        resolve(entry);
      };
      const timer = this.loop.callLater(timeoutMs, () => settle({ ...worker.info, status: 'Unresponsive' }));
      this.questions.set(id, { info: worker.info, settle });
      const body = deadlineMs === undefined ? { command } : { command, deadlineMs };
      this.send([worker.identity, ...controlFrames('ask', id, body)]).catch((error: unknown) => {
        // EHOSTUNREACH (mandatory): the worker's connection is gone, so is the worker.
        this.log('info', { worker: worker.info.name, code: (error as { code?: unknown })?.code }, 'worker control: a worker is gone');
        this.workers.forget(worker.info.name);
        settle(undefined);
      });
    });
  }

  /** One send at a time (a socket takes one); a ROUTER send does not wait for a peer. */
  private send(frames: Uint8Array[]): Promise<void> {
    const sent = this.sending.then(() => {
      if (this.closing && this.socket.closed) throw Object.assign(new Error('worker control: closed'), { code: 'EBADF' });
      return this.socket.send(frames);
    });
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  private receiveLoop(): Promise<void> {
    return receiveControlMessages({
      socket: this.socket,
      backoff: this.backoff,
      stopped: () => this.closing,
      onFailure: (context) => this.log('warn', context, 'worker control: receive failed'),
      handle: (frames) => this.handle(frames[0], frames.slice(1)),
    });
  }

  private handle(identity: Uint8Array | undefined, frames: Uint8Array[]): void {
    let message;
    try {
      message = parseControlFrames(frames);
    } catch (error) {
      this.log('warn', { reason: (error as Error).message, frames: frames.length }, 'worker control: malformed message dropped');
      return;
    }
    const { kind, id, body } = message;
    if (identity === undefined) return;
    if (kind === 'hello') this.hello(identity, body);
    else if (kind === 'report') this.report(identity, id, body);
    else if (kind === 'command') void this.command(identity, id, body);
    else this.log('warn', { kind }, 'worker control: unexpected message kind dropped');
  }

  private hello(identity: Uint8Array, body: unknown): void {
    let info: WorkerInfo;
    try {
      info = parseWorkerInfo(body);
    } catch (error) {
      this.log('warn', { reason: (error as Error).message }, 'worker control: malformed hello dropped');
      return;
    }
    const heard = this.workers.heard(identity, info, this.loop.now());
    if (heard === 'new') this.log('info', { worker: info.name, pid: info.pid }, 'worker control: worker joined');
    else if (heard === 'full') this.log('warn', { worker: info.name, pid: info.pid, known: this.workers.size }, 'worker control: too many workers; hello dropped');
  }

  private report(identity: Uint8Array, id: string, body: unknown): void {
    this.workers.touch(identity, this.loop.now());
    const question = this.questions.get(id);
    if (question === undefined) return; // late: its question timed out
    try {
      question.settle({ ...(body as WorkerReport), ...parseWorkerInfo(body) });
    } catch (error) {
      this.log('warn', { reason: (error as Error).message }, 'worker control: malformed report dropped');
    }
  }

  private async command(identity: Uint8Array, id: string, body: unknown): Promise<void> {
    let answer: unknown;
    let closeAfter = false;
    try {
      const { command, deadlineMs } = parseCommandBody(body);
      this.log('info', { command }, 'worker control: command received');
      if (command === 'status') answer = { ok: true, result: await this.status() };
      else {
        answer = { ok: true, result: await this.shutdown(deadlineMs) };
        closeAfter = true;
      }
    } catch (error) {
      const totoError = error instanceof TotoError ? error : new TotoError(ErrorCode.SERVER, (error as Error)?.message ?? String(error));
      answer = { ok: false, error: totoError.toJSON() };
    }
    try {
      await this.send([identity, ...controlFrames('answer', id, answer)]);
    } catch (error) {
      this.log('warn', { err: error, code: (error as { code?: unknown })?.code }, 'worker control: answer could not be sent');
    }
    if (closeAfter) this.close();
  }

  private log(level: 'info' | 'warn' | 'error', context: Record<string, unknown>, message: string): void {
    try {
      this.logger[level](context, message);
    } catch {
      // A logger that throws must not stop the control socket.
    }
  }
}

function present(entries: (WorkerEntry | undefined)[]): WorkerEntry[] {
  return entries.filter((entry): entry is WorkerEntry => entry !== undefined);
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(expected(name, 'a finite number > 0', value));
  return value;
}
