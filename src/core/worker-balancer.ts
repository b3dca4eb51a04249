// Toto's worker load balancer (TotoWorkerService's zmq device) over the TransportPort: a ROUTER
// bound on the worker bind address (clients' DEALERs connect) forwarding to a DEALER bound on
// the worker socket address (workers' REPs connect), and back. The same code runs on the
// simulated network and on real zeromq.js.
//
// Frames, as zmq_proxy moves them (nothing is parsed or rewritten):
//   client DEALER sends        ['', id, payload]
//   ROUTER receives            [identity, '', id, payload]   -> sent out the DEALER as is
//   worker REP sees            [id, payload]  (envelope [identity, ''] kept by the REP)
//   worker REP sends           [id, reply]    -> the DEALER receives [identity, '', id, reply]
//   ROUTER sends it as is: routed by `identity`, the client receives ['', id, reply].
// The DEALER round-robins requests over the connected workers; a worker that connects later
// joins the rotation.
//
// Backpressure, as zmq_proxy: each send is awaited before the next receive. With no worker
// connected the DEALER's send waits (ZeroMQ's DEALER blocks with no peer), so the front loop stops
// receiving, the ROUTER's receive queue fills to its high-water mark and then the clients' own
// DEALER sends wait: requests are held, not dropped, until a worker comes (or a client's call
// times out). Replies to the ROUTER never wait: a ROUTER drops a message to an identity that is
// gone (or, with `mandatory`, rejects: logged and dropped).
//
// The loops never die on one message: a send or receive that fails (other than by close) is
// logged with context and counted; the message in hand is dropped and the loop goes on, after a
// backoff on the loop port for a failing receive (doubling per consecutive failure up to a bound),
// so a persistent failure such as a receiveTimeoutMs is never a hot loop. A malformed message
// from a client is forwarded like any other: the worker's REP discards a message with no
// envelope delimiter (libzmq), and the worker answers an unreadable request with an error reply.
//
// Beyond Toto, an optional idempotency window keyed by the call id frame (`idempotency`; see
// router-idempotency.ts): behind a router a retried call may reach another worker, so the
// worker's own window cannot stop it running twice; the router's can.
//
// stopAccepting() (a worker service's shutdown, before its workers drain): the ROUTER is no
// longer read, so requests wait in its queue and then in the clients' own pipes (a client's call
// times out, or its retry reaches a router that serves); replies still go back. A request the
// pending receive hands over after it is dropped and counted (notForwarded): forwarded, it would
// reach a worker that is leaving and be lost there, unanswered.
//
// Direct mode (Toto's empty worker_bind_address) needs no balancer: the workers bind (or the
// client connects straight to worker_socket_address) and no WorkerBalancer is made.

import { FailureBackoff } from './failure-backoff.js';
import type { Logger } from './ports.js';
import { RouterIdempotency } from './router-idempotency.js';
import { checkBalancerOptions, type WorkerBalancerOptions, type WorkerBalancerStats } from './worker-balancer-options.js';
import { BalancerSendError, IdempotentForwarding } from './worker-balancer-idempotency.js';
import type { Message, Socket } from './transport.js';
import { MAX_PAYLOAD_BYTES_DEFAULT } from './wire.js';

export { WORKER_BIND_ADDRESS_DEFAULT, type WorkerBalancerOptions, type WorkerBalancerStats } from './worker-balancer-options.js';

type Direction = 'toWorkers' | 'toClients';

export class WorkerBalancer {
  private readonly front: Socket;
  private readonly back: Socket;
  private readonly logger: Logger;
  private readonly bindAddress: string;
  private readonly socketAddress: string;
  private readonly backoffs: Readonly<Record<Direction, FailureBackoff>>;
  private readonly idempotent: IdempotentForwarding | undefined;
  private readonly counts: WorkerBalancerStats = { toWorkers: 0, toClients: 0, errors: 0, notForwarded: 0 };
  private starting: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private closing = false;
  private acceptingRequests = true;
  /** Resolves on close(): the request loop waits on it once it stops accepting. */
  private readonly closeSignal: Promise<void>;
  private signalClose!: () => void;

  constructor(options: WorkerBalancerOptions) {
    const { transport, loop, logger, bindAddress, socketAddress, firstMs, maxMs } = checkBalancerOptions(options);
    const window = options.idempotency === undefined ? undefined : new RouterIdempotency(options.idempotency);
    this.logger = logger;
    this.bindAddress = bindAddress;
    this.socketAddress = socketAddress;
    // One per direction: each loop's failures are its own.
    this.backoffs = { toWorkers: new FailureBackoff(loop, firstMs, maxMs), toClients: new FailureBackoff(loop, firstMs, maxMs) };
    // Bad socket options throw here, from the transport, with its message (the same in both worlds).
    const bounded = { maxMessageSize: MAX_PAYLOAD_BYTES_DEFAULT, ...options.socketOptions };
    this.front = transport.socket('router', { ...bounded, ...options.frontOptions });
    try {
      this.back = transport.socket('dealer', { ...bounded, ...options.backOptions });
    } catch (error) {
      this.front.close();
      throw error;
    }
    this.idempotent = window && new IdempotentForwarding(window, this.front, this.back, loop, this.counts);
    this.closeSignal = new Promise((resolve) => (this.signalClose = resolve));
  }

  /**
   * Binds the ROUTER on bindAddress and the DEALER on socketAddress, then starts forwarding.
   * If a bind fails, both sockets are closed and the error is thrown (the balancer is then closed).
   * A second call returns the first one's promise.
   */
  start(): Promise<void> {
    this.starting ??= this.bindAndRun();
    return this.starting;
  }

  /** The ROUTER's endpoint, with the port a `tcp://host:*` bind chose; null before start(). */
  get frontEndpoint(): string | null {
    return this.front.lastEndpoint;
  }

  /** The DEALER's endpoint, with the port a `tcp://host:*` bind chose; null before start(). */
  get backEndpoint(): string | null {
    return this.back.lastEndpoint;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** False once stopAccepting() or close() was called. */
  get accepting(): boolean {
    return this.acceptingRequests && !this.closing;
  }

  /**
   * Stops reading requests from clients, for good (see the top of this file); replies still go
   * back. A shutdown calls it before its workers drain.
   */
  stopAccepting(): void {
    if (!this.acceptingRequests) return;
    this.acceptingRequests = false;
    this.log('info', { front: this.front.lastEndpoint }, 'worker balancer: no longer accepting requests');
  }

  get stats(): WorkerBalancerStats {
    return this.idempotent === undefined ? { ...this.counts } : { ...this.counts, idempotency: this.idempotent.window.stats };
  }

  /**
   * Ends both loops and closes both sockets; resolves once the loops have ended. Messages queued
   * in the sockets are delivered or dropped as lingerMs says; a message a loop holds is dropped.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.signalClose();
      // Wakes a loop out of its backoff.
      for (const backoff of Object.values(this.backoffs)) backoff.stop();
      for (const socket of [this.front, this.back]) {
        try {
          if (!socket.closed) socket.close();
        } catch (error) {
          this.log('warn', { err: error, socket: socket.type }, 'worker balancer: socket close failed');
        }
      }
    }
    return this.running ?? Promise.resolve();
  }

  private async bindAndRun(): Promise<void> {
    if (this.closing) throw new Error('worker balancer: start() after close()');
    try {
      await this.front.bind(this.bindAddress);
      await this.back.bind(this.socketAddress);
    } catch (error) {
      // close() during start() ends it quietly: the bind failed because the socket was closed.
      if (this.closing) return;
      const side = this.front.lastEndpoint === null ? `ROUTER on ${this.bindAddress}` : `DEALER on ${this.socketAddress}`;
      await this.close();
      throw new Error(`worker balancer: cannot bind the ${side}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (this.closing) return;
    this.log('info', { front: this.front.lastEndpoint, back: this.back.lastEndpoint }, 'worker balancer: forwarding');
    // forward() catches everything it awaits; the catch only guards against a bug of ours.
    this.running = Promise.all([
      this.forward('toWorkers', this.front, this.back).finally(() => this.ended('toWorkers')),
      this.forward('toClients', this.back, this.front).finally(() => this.ended('toClients')),
    ]).then(
      () => undefined,
      (error: unknown) => this.log('error', { err: error }, 'worker balancer: a forwarding loop failed'),
    );
  }

  /** One direction: receive a message on `from`, send it as is on `to`, await the send, repeat. */
  private async forward(direction: Direction, from: Socket, to: Socket): Promise<void> {
    const backoff = this.backoffs[direction];
    while (!this.stopping()) {
      if (direction === 'toWorkers' && !this.acceptingRequests) {
        await this.closeSignal;
        return;
      }
      let message: Message;
      try {
        message = await from.receive();
      } catch (error) {
        if (this.stopping()) return;
        await this.failed(direction, 'receive', from, error, undefined, backoff.fail());
        continue;
      }
      backoff.succeed();
      if (direction === 'toWorkers' && !this.acceptingRequests) {
        this.counts.notForwarded++;
        continue;
      }
      try {
        if (this.idempotent === undefined) {
          await to.send(message);
          this.counts[direction]++;
        } else {
          // It counts what it sends (a reply may go to several identities, or none).
          await (direction === 'toWorkers' ? this.idempotent.request(message) : this.idempotent.reply(message));
        }
      } catch (error) {
        if (this.stopping()) return;
        // The message is dropped; the next receive blocks until another comes, so no backoff.
        if (error instanceof BalancerSendError) await this.failed(direction, 'send', error.socket, error.cause, error.sent, undefined);
        else await this.failed(direction, 'send', to, error, message, undefined);
      }
    }
  }

  /**
   * A loop ended without close(): a socket was closed under it (e.g. its transport was closed).
   * The other loop may be waiting on its own socket forever, so the balancer closes itself.
   */
  private ended(direction: Direction): void {
    if (this.closing) return;
    this.log('warn', { direction, frontClosed: this.front.closed, backClosed: this.back.closed }, 'worker balancer: a socket was closed under it; closing');
    void this.close();
  }

  /** True once close() was called or someone else closed a socket: either way both loops end. */
  private stopping(): boolean {
    return this.closing || this.front.closed || this.back.closed;
  }

  /** Logs a failure with context; after a failing receive, waits the backoff (cut short by close()). */
  private async failed(
    direction: Direction,
    phase: 'receive' | 'send',
    socket: Socket,
    error: unknown,
    message: Message | undefined,
    backoff: { consecutive: number; delayMs: number } | undefined,
  ): Promise<void> {
    this.counts.errors++;
    const code = (error as { code?: unknown } | null)?.code;
    this.log(
      'warn',
      {
        direction,
        phase,
        socket: socket.type,
        endpoint: socket.lastEndpoint,
        code,
        err: error,
        ...(message === undefined ? {} : { frames: message.length, bytes: message.reduce((sum, frame) => sum + frame.byteLength, 0) }),
        ...(backoff === undefined ? {} : { consecutive: backoff.consecutive, backoffMs: backoff.delayMs }),
      },
      `worker balancer: ${phase} failed (${direction})`,
    );
    if (backoff !== undefined) await this.backoffs[direction].wait(backoff.delayMs);
  }

  /** A logger that throws must not take a loop with it. */
  private log(level: 'info' | 'warn' | 'error', context: Record<string, unknown>, message: string): void {
    try {
      this.logger[level](context, message);
    } catch {
      // Nothing to do: forwarding matters more than the log line.
    }
  }
}
