// The WorkerBalancer's forwarding when its idempotency window is on (router-idempotency.ts has
// the rules): a request in Toto's frames [identity, '', id, payload] is forwarded, held for the
// reply in flight, or answered from the window; a reply [identity, '', id, payload] (or Toto's
// ack [identity, '', id]) goes to every identity that asked for that id. Any other frame list is
// forwarded as is, as without the window.
//
// With the window both loops send on the ROUTER (answers from the window, and replies), and a
// socket takes one send at a time, so sends to the ROUTER go one after another through a chain.

import { MAX_MESSAGE_ID_BYTES, messageIdKey } from './wire-frames.js';
import type { LoopPort } from './ports.js';
import { RouterIdempotency } from './router-idempotency.js';
import type { Message, Socket } from './transport.js';

/** A send that failed, and on which socket (the balancer logs it with the message dropped). */
export class BalancerSendError extends Error {
  constructor(
    readonly socket: Socket,
    readonly sent: Message,
    cause: unknown,
  ) {
    super(`send on the ${socket.type} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'BalancerSendError';
  }
}

/** The balancer's counters of messages sent, counted here as each send completes. */
export interface SentCounts {
  toWorkers: number;
  toClients: number;
}

export class IdempotentForwarding {
  private frontSending: Promise<unknown> = Promise.resolve();

  constructor(
    readonly window: RouterIdempotency,
    private readonly front: Socket,
    private readonly back: Socket,
    private readonly loop: LoopPort,
    private readonly counts: SentCounts,
  ) {}

  /** A message received on the ROUTER (from a client). */
  async request(message: Message): Promise<void> {
    const key = message.length === 4 ? callKey(message) : undefined;
    if (key === undefined) return this.sendBack(message);
    const identity = message[0] as Uint8Array;
    const decision = this.window.onRequest(key, identity, this.loop.now());
    if (decision.action === 'forward') {
      try {
        await this.sendBack(message);
      } catch (error) {
        // Not forwarded: the next request for this id must be, not wait for a reply that cannot come.
        this.window.forwardFailed(key);
        throw error;
      }
      return;
    }
    if (decision.action === 'wait') return;
    await this.sendFront([identity, ...decision.reply]);
  }

  /** A message received on the DEALER (a worker's reply). */
  async reply(message: Message): Promise<void> {
    const key = message.length === 4 || message.length === 3 ? callKey(message) : undefined;
    if (key === undefined) return this.sendFront(message);
    const reply = message.slice(1);
    const decision = this.window.onReply(key, message[0] as Uint8Array, reply, this.loop.now());
    if (decision.action === 'drop') return;
    if (decision.action === 'pass') return this.sendFront(message);
    // Every identity is tried; the first failure is reported after (one gone client must not starve the others).
    let failure: unknown;
    for (const identity of decision.identities) {
      try {
        await this.sendFront([identity, ...reply]);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  private async sendBack(message: Message): Promise<void> {
    await this.send(this.back, message);
    this.counts.toWorkers++;
  }

  private sendFront(message: Message): Promise<void> {
    const sending = this.frontSending.then(() => this.send(this.front, message)).then(() => void this.counts.toClients++);
    this.frontSending = sending.catch(() => undefined);
    return sending;
  }

  private async send(socket: Socket, message: Message): Promise<void> {
    try {
      await socket.send(message);
    } catch (error) {
      throw new BalancerSendError(socket, message, error);
    }
  }
}

/** The call id of Toto's frames [identity, '', id, ...] as a key; undefined for anything else. */
function callKey(message: Message): string | undefined {
  const delimiter = message[1] as Uint8Array;
  const id = message[2] as Uint8Array;
  if (delimiter.byteLength !== 0 || id.byteLength === 0 || id.byteLength > MAX_MESSAGE_ID_BYTES) return undefined;
  return messageIdKey(id);
}
