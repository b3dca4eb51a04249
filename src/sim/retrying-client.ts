// A request/reply client over a DEALER socket, the one every scenario otherwise writes: each
// call carries an id, waits attemptTimeoutMs per attempt and resends on timeout, up to
// attemptsMax attempts, then fails with a TimeoutError. A reply settles the call with its id
// once; replies for calls already settled are counted and dropped, so every call settles
// exactly once. Over tcp they are common: a partition stalls the connection, and when it heals
// the original and every retry arrive, and the server answers each of them.
//
// Wire: the client sends [id, body] and expects [id, reply] (a ROUTER server sees
// [identity, id, body] and answers [identity, id, reply]), every frame UTF-8 text.

import { TimeoutError } from '../core/errors.js';
import { silentLogger, type Logger, type LoopPort, type TimerHandle } from '../core/ports.js';
import type { Socket, TransportPort } from '../core/transport.js';
import { checkInteger, checkLogger, checkLoopPort, checkNonEmptyString, checkOptions, expected } from '../core/validate.js';
import { text, textFrame } from './frame-text.js';
import { receiveLoop } from './receive-loop.js';
import { SendQueue } from './send-queue.js';

export interface RetryingClientOptions {
  loop: LoopPort;
  transport: TransportPort;
  /** Where the server binds, e.g. tcp://server:5555. */
  address: string;
  /** How long one attempt waits for its reply (ms). */
  attemptTimeoutMs: number;
  /** Attempts per call, the first included. */
  attemptsMax: number;
  logger?: Logger;
  /** Most messages waiting to be sent (see SendQueue). Default 1000. */
  messagesMax?: number;
}

interface PendingCall {
  readonly id: string;
  readonly body: string;
  attempts: number;
  timer: TimerHandle | undefined;
  resolve(reply: string): void;
  reject(error: Error): void;
}

const OPTIONS = ['loop', 'transport', 'address', 'attemptTimeoutMs', 'attemptsMax', 'logger', 'messagesMax'];

export class RetryingClient {
  private readonly pending = new Map<string, PendingCall>();
  private readonly socket: Socket;
  private readonly sendQueue: SendQueue;
  private readonly loop: LoopPort;
  private readonly attemptTimeoutMs: number;
  private readonly attemptsMax: number;
  /** Attempts after the first, over every call. */
  retries = 0;
  /** Replies that matched no pending call. */
  lateReplies = 0;
  /** Replies that matched no pending call, by call id (a reply after the call gave up, or a duplicate). */
  readonly lateRepliesById = new Map<string, number>();

  constructor(options: RetryingClientOptions) {
    if (options === undefined) throw new TypeError(expected('RetryingClient options', 'an options object { loop, transport, address, attemptTimeoutMs, attemptsMax }', options));
    checkOptions('RetryingClient options', options, OPTIONS);
    checkLoopPort('loop', options.loop);
    if (options.transport === null || typeof options.transport !== 'object' || typeof options.transport.socket !== 'function') {
      throw new TypeError(expected('transport', "a TransportPort (the host's ctx.transport)", options.transport));
    }
    checkNonEmptyString('address', options.address);
    checkInteger('attemptTimeoutMs', options.attemptTimeoutMs, 1);
    checkInteger('attemptsMax', options.attemptsMax, 1);
    const logger = options.logger ?? silentLogger;
    checkLogger('logger', logger);
    this.loop = options.loop;
    this.attemptTimeoutMs = options.attemptTimeoutMs;
    this.attemptsMax = options.attemptsMax;
    this.socket = options.transport.socket('dealer');
    this.socket.connect(options.address);
    this.sendQueue = new SendQueue(this.socket, { logger, ...(options.messagesMax === undefined ? {} : { messagesMax: options.messagesMax }) });
    void receiveLoop(this.socket, (message) => this.onReply(text(message[0]), text(message[1])));
  }

  /** Calls now waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends `body` as call `id`; resolves with the reply's body, rejects with a TimeoutError after attemptsMax attempts. */
  call(id: string, body: string): Promise<string> {
    if (typeof id !== 'string' || typeof body !== 'string') {
      return Promise.reject(new TypeError(`call: expected a string id and body, got ${typeof id} and ${typeof body}`));
    }
    if (this.pending.has(id)) return Promise.reject(new Error(`call ${id} is already pending`));
    return new Promise((resolve, reject) => {
      const call: PendingCall = { id, body, attempts: 0, timer: undefined, resolve, reject };
      this.pending.set(id, call);
      this.attempt(call);
    });
  }

  /** Closes the socket; pending calls still time out on their own. */
  close(): void {
    this.socket.close();
  }

  private attempt(call: PendingCall): void {
    call.attempts++;
    if (call.attempts > 1) this.retries++;
    this.sendQueue.send([textFrame(call.id), textFrame(call.body)]);
    call.timer = this.loop.callLater(this.attemptTimeoutMs, () => this.onAttemptTimeout(call));
  }

  /** An attempt got no reply in time: try again while attempts are left. */
  private onAttemptTimeout(call: PendingCall): void {
    call.timer = undefined;
    if (call.attempts < this.attemptsMax) return this.attempt(call);
    this.settle(call, new TimeoutError(`call ${call.id}: no reply after ${call.attempts} attempt(s) of ${this.attemptTimeoutMs}ms`));
  }

  private settle(call: PendingCall, outcome: string | Error): void {
    this.pending.delete(call.id);
    if (call.timer !== undefined) this.loop.cancel(call.timer);
    call.timer = undefined;
    if (outcome instanceof Error) call.reject(outcome);
    else call.resolve(outcome);
  }

  private onReply(id: string, body: string): void {
    const call = this.pending.get(id);
    if (call === undefined) {
      this.lateReplies++;
      this.lateRepliesById.set(id, (this.lateRepliesById.get(id) ?? 0) + 1);
      return;
    }
    this.settle(call, body);
  }
}
