// A worker's REP serve loop over the TransportPort, as Toto's TotoWorker.start(): a REP socket
// that connects to the balancer's DEALER side (or binds, in direct mode), receives [id, payload],
// hands it to the WorkerDispatcher and sends the outcome's frames back. The same code runs on the
// simulated network and on real zeromq.js.
//
// The loop never dies on a request: dispatch never throws (a malformed request is an error
// reply). A socket failure other than the close (a receive timeout, a send that fails) is logged
// with context, counted, and the loop goes on after a backoff on the loop port, doubling per
// consecutive failure up to a bound, so a persistent failure is never a hot loop. The close is
// the normal end: the pending receive rejects, the loop sees the socket closed and returns.
//
// @asynchronous methods: the ack ([id]) goes out at once; with `awaitAsynchronous` the loop then
// waits for the method to finish before taking the next request (Toto's one-at-a-time, as Toto
// ran the method inside its REP loop); without it the loop serves on while the method runs.

import { checkBackoffOptions, FailureBackoff, FAILURE_BACKOFF_MS_DEFAULT, FAILURE_BACKOFF_MS_MAX_DEFAULT } from './failure-backoff.js';
import { silentLogger, type Logger, type LoopPort } from './ports.js';
import type { Socket, SocketOptions, TransportPort } from './transport.js';
import { checkOptions, expected } from './validate.js';
import { MAX_PAYLOAD_BYTES_DEFAULT, messageIdKey } from './wire.js';
import { WorkerDispatcher, type WorkerOutcome } from './worker-dispatch.js';

export interface WorkerRepServerOptions<W = unknown> {
  transport: TransportPort;
  dispatcher: WorkerDispatcher<W>;
  /** The clock of the backoff after a socket failure. */
  loop: LoopPort;
  logger?: Logger;
  /**
   * Options of the REP socket (e.g. routingId, lingerMs, heartbeats). maxMessageSize defaults to
   * the wire's default payload bound (16 MiB): libzmq's own default is none, and a peer declaring
   * a 1 GiB frame would be buffered as it streams it. Give more with a larger wire maxPayloadBytes.
   */
  socketOptions?: SocketOptions;
  /** Wait for an @asynchronous method to finish before the next request (Toto's behaviour). Default false. */
  awaitAsynchronous?: boolean;
  /** First backoff after a socket failure; it doubles per consecutive failure. Default 10. */
  backoffMs?: number;
  /** Longest backoff. Default 1000. */
  backoffMsMax?: number;
}

export interface WorkerRepServerStats {
  /** Replies sent (values and error replies alike). */
  served: number;
  /** @asynchronous acknowledgements sent. */
  acks: number;
  /** Socket failures (receive or send) logged and survived. */
  errors: number;
}


export class WorkerRepServer<W = unknown> {
  private readonly socket: Socket;
  private readonly dispatcher: WorkerDispatcher<W>;
  private readonly logger: Logger;
  private readonly awaitAsynchronous: boolean;
  private readonly backoff: FailureBackoff;
  private readonly counts: WorkerRepServerStats = { served: 0, acks: 0, errors: 0 };
  private running: Promise<void> | undefined;
  private closing = false;
  /** A request has been received and is not answered yet (drain() waits for it). */
  private inHand = false;
  private draining = false;
  /** Wakes the loop out of a backoff or an awaited completion when close() is called. */
  private wake: (() => void) | undefined;
  private readonly stopped: Promise<void>;

  constructor(options: WorkerRepServerOptions<W>) {
    checkOptions('WorkerRepServer options', options, [
      'transport',
      'dispatcher',
      'loop',
      'logger',
      'socketOptions',
      'awaitAsynchronous',
      'backoffMs',
      'backoffMsMax',
    ]);
    if (options === undefined) throw new TypeError(expected('WorkerRepServer options', 'an options object', options));
    const { transport, dispatcher, loop, logger = silentLogger, socketOptions, awaitAsynchronous = false } = options;
    const { backoffMs = FAILURE_BACKOFF_MS_DEFAULT, backoffMsMax = FAILURE_BACKOFF_MS_MAX_DEFAULT } = options;
    if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') {
      throw new TypeError(expected('transport', 'a TransportPort', transport));
    }
    if (!(dispatcher instanceof WorkerDispatcher)) throw new TypeError(expected('dispatcher', 'a WorkerDispatcher', dispatcher));
    if (loop === null || typeof loop !== 'object' || typeof loop.callLater !== 'function' || typeof loop.cancel !== 'function') {
      throw new TypeError(expected('loop', 'a LoopPort', loop));
    }
    if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function' || typeof logger.info !== 'function') {
      throw new TypeError(expected('logger', 'a Logger', logger));
    }
    if (typeof awaitAsynchronous !== 'boolean') throw new TypeError(expected('awaitAsynchronous', 'a boolean', awaitAsynchronous));
    const { firstMs, maxMs } = checkBackoffOptions(backoffMs, backoffMsMax);
    this.dispatcher = dispatcher;
    this.logger = logger;
    this.awaitAsynchronous = awaitAsynchronous;
    this.backoff = new FailureBackoff(loop, firstMs, maxMs);
    // Bad socket options throw here, from the transport, with its message (the same in both worlds).
    this.socket = transport.socket('rep', { maxMessageSize: MAX_PAYLOAD_BYTES_DEFAULT, ...socketOptions });
    this.stopped = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** Connects the REP socket (to the balancer's DEALER) and starts serving. May be called for several addresses. */
  connect(address: string): void {
    this.socket.connect(address);
    this.start();
  }

  /** Binds the REP socket (direct mode: clients connect to the worker) and starts serving. */
  async bind(address: string): Promise<void> {
    await this.socket.bind(address);
    this.start();
  }

  /** The last endpoint bound or connected, with the port a `tcp://host:*` bind chose. */
  get lastEndpoint(): string | null {
    return this.socket.lastEndpoint;
  }

  get closed(): boolean {
    return this.closing;
  }

  get stats(): WorkerRepServerStats {
    return { ...this.counts };
  }

  /**
   * Stops the loop and closes the socket; resolves once the loop has ended. A reply being sent is
   * dropped or delivered as the socket's lingerMs says; an @asynchronous method still running
   * finishes on its own (nobody awaits it any more).
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.wake?.();
      this.backoff.stop();
      try {
        if (!this.socket.closed) this.socket.close();
      } catch (error) {
        this.log('warn', { err: error }, 'worker rep server: socket close failed');
      }
    }
    return this.running ?? Promise.resolve();
  }

  /**
   * Stops taking requests: the request in hand, if any, is answered (and its reply queued), then
   * the socket closes as close() does; resolves once the loop has ended. A graceful shutdown
   * (the worker service's) bounds the wait and calls close() at its deadline.
   */
  drain(): Promise<void> {
    if (!this.closing) {
      this.draining = true;
      // Waiting in receive, in a backoff or never started: nothing in hand, close now.
      if (!this.inHand) return this.close();
    }
    return this.running ?? Promise.resolve();
  }

  private start(): void {
    if (this.running !== undefined || this.closing) return;
    // serve() catches everything it awaits; this only guards against a bug of ours.
    this.running = this.serve().catch((error: unknown) => {
      this.log('error', { err: error }, 'worker rep server: serve loop failed');
    });
  }

  private async serve(): Promise<void> {
    while (!this.stopping()) {
      this.inHand = false;
      if (this.draining) {
        void this.close();
        return;
      }
      let frames: Uint8Array[];
      try {
        frames = await this.socket.receive();
      } catch (error) {
        if (this.stopping()) return;
        await this.failed('receive', undefined, error);
        continue;
      }
      this.inHand = true;
      const outcome = await this.dispatcher.dispatchFrames(frames);
      try {
        await this.socket.send(outcome.frames);
      } catch (error) {
        if (this.stopping()) return;
        await this.failed('send', outcome, error);
        continue;
      }
      this.backoff.succeed();
      if (outcome.kind === 'reply') {
        this.counts.served++;
      } else {
        this.counts.acks++;
        // completion never rejects (worker-dispatch.ts); close() must not wait for a long method.
        if (this.awaitAsynchronous) await Promise.race([outcome.completion, this.stopped]);
      }
    }
  }

  /** True once close() was called or someone else closed the socket: either way the loop ends. */
  private stopping(): boolean {
    return this.closing || this.socket.closed;
  }

  /** Logs a socket failure with context and waits the backoff (cut short by close()). */
  private async failed(phase: 'receive' | 'send', outcome: WorkerOutcome | undefined, error: unknown): Promise<void> {
    this.counts.errors++;
    const { consecutive, delayMs } = this.backoff.fail();
    const code = (error as { code?: unknown } | null)?.code;
    this.log(
      'warn',
      {
        phase,
        code,
        err: error,
        endpoint: this.socket.lastEndpoint,
        consecutive,
        backoffMs: delayMs,
        ...(outcome === undefined ? {} : { kind: outcome.kind, method: outcome.method, callId: outcome.id && messageIdKey(outcome.id) }),
      },
      `worker rep server: ${phase} failed`,
    );
    await this.backoff.wait(delayMs);
  }

  /** A logger that throws must not take the loop with it. */
  private log(level: 'info' | 'warn' | 'error', context: Record<string, unknown>, message: string): void {
    try {
      this.logger[level](context, message);
    } catch {
      // Nothing to do: serving matters more than the log line.
    }
  }
}
