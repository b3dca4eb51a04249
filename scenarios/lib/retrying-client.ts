// A request client over a DEALER socket: each call carries an id, waits attemptTimeoutMs per
// attempt and resends on timeout, up to attemptsMax attempts. A reply settles the call with
// that id once; replies for calls already settled are counted and dropped, so every call
// settles exactly once. Over tcp they are common: a partition stalls the connection, and when
// it heals the original and every retry arrive, so the server answers each of them.

import { TimeoutError } from '../../src/core/errors.js';
import type { LoopPort, Logger, TimerHandle } from '../../src/core/ports.js';
import type { Socket, TransportPort } from '../../src/core/transport.js';
import { Outbox } from './outbox.js';
import { frameText } from './text.js';
import { serve } from './serve.js';

export interface RetryingClientOptions {
  loop: LoopPort;
  transport: TransportPort;
  logger: Logger;
  /** Where the server binds, e.g. tcp://server:5555. */
  address: string;
  attemptTimeoutMs: number;
  attemptsMax: number;
}

export interface PendingCall {
  readonly id: string;
  readonly body: string;
  attempts: number;
  timer: TimerHandle | undefined;
  resolve(reply: string): void;
  reject(error: Error): void;
}

export class RetryingClient {
  protected readonly pending = new Map<string, PendingCall>();
  protected readonly socket: Socket;
  private readonly outbox: Outbox;
  /** Attempts after the first, over every call. */
  retries = 0;
  /** Replies that matched no pending call. */
  lateReplies = 0;
  /** Replies that matched no pending call, by call id (a reply after the call gave up, or a duplicate). */
  readonly lateRepliesById = new Map<string, number>();

  constructor(protected readonly options: RetryingClientOptions) {
    this.socket = options.transport.socket('dealer');
    this.socket.connect(options.address);
    this.outbox = new Outbox(this.socket, options.logger);
    void serve(this.socket, (message) => this.onReply(frameText(message[0]), frameText(message[1])));
  }

  /** Sends `body` as call `id`; resolves with the reply's body, rejects with a TimeoutError after attemptsMax attempts. */
  call(id: string, body: string): Promise<string> {
    if (this.pending.has(id)) return Promise.reject(new Error(`call ${id} is already pending`));
    return new Promise((resolve, reject) => {
      const call: PendingCall = { id, body, attempts: 0, timer: undefined, resolve, reject };
      this.pending.set(id, call);
      this.attempt(call);
    });
  }

  protected attempt(call: PendingCall): void {
    call.attempts++;
    if (call.attempts > 1) this.retries++;
    this.outbox.send([new TextEncoder().encode(call.id), new TextEncoder().encode(call.body)]);
    call.timer = this.options.loop.callLater(this.options.attemptTimeoutMs, () => this.onAttemptTimeout(call));
  }

  /** An attempt got no reply in time: try again while attempts are left. */
  protected onAttemptTimeout(call: PendingCall): void {
    call.timer = undefined;
    if (call.attempts < this.options.attemptsMax) return this.attempt(call);
    this.settle(call, new TimeoutError(`call ${call.id}: no reply after ${call.attempts} attempt(s) of ${this.options.attemptTimeoutMs}ms`));
  }

  protected settle(call: PendingCall, outcome: string | Error): void {
    this.pending.delete(call.id);
    if (call.timer !== undefined) this.options.loop.cancel(call.timer);
    call.timer = undefined;
    if (outcome instanceof Error) call.reject(outcome);
    else call.resolve(outcome);
  }

  protected onReply(id: string, body: string): void {
    const call = this.pending.get(id);
    if (call === undefined) {
      this.lateReplies++;
      this.lateRepliesById.set(id, (this.lateRepliesById.get(id) ?? 0) + 1);
      return;
    }
    this.settle(call, body);
  }


  close(): void {
    this.socket.close();
  }
}
