// One registered server as the EventManager sees it: a PUSH socket connected to its address
// and a bounded queue of encoded event frames drained by one pump, because a socket takes one
// send at a time (a second pending send is EBUSY) and a PUSH send waits while its peer is away.
// Toto's send() queued into libzmq and returned; ours queues here and returns, so a caller never
// waits for a slow server, and the queue's bound says when a server stopped taking events.

import type { Socket, SocketOptions, TransportPort } from './transport.js';

export interface OutboxHooks {
  /** A frame the socket accepted. */
  sent(): void;
  /** A send that failed (logged by the owner); the frame is dropped and the pump goes on. */
  failed(address: string, error: unknown): void;
}

export class ServerOutbox {
  private readonly socket: Socket;
  private queue: Uint8Array[] = [];
  private head = 0;
  private pumping = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly address: string,
    transport: TransportPort,
    socketOptions: SocketOptions,
    private readonly queueMax: number,
    private readonly hooks: OutboxHooks,
  ) {
    this.socket = transport.socket('push', socketOptions);
    try {
      // The transport's own message for a malformed address (the same in both worlds).
      this.socket.connect(address);
    } catch (error) {
      this.socket.close();
      throw error;
    }
  }

  /** Frames waiting for the socket (the one being sent included). */
  get queued(): number {
    return this.queue.length - this.head;
  }

  get full(): boolean {
    return this.queued >= this.queueMax;
  }

  /** Queues a frame; the caller checked `full` first. */
  push(frame: Uint8Array): void {
    this.queue.push(frame);
    if (!this.pumping) void this.pump();
  }

  /** Resolves once every frame queued so far was taken by the socket (or dropped by close()). */
  drained(): Promise<void> {
    if (this.queued === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Closes the socket (its lingerMs says what it still delivers); returns how many queued frames were dropped. */
  close(): number {
    if (this.closed) return 0;
    this.closed = true;
    const dropped = this.queued;
    this.queue = [];
    this.head = 0;
    if (!this.socket.closed) this.socket.close();
    this.wakeIdle();
    return dropped;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.head < this.queue.length && !this.closed) {
        const frame = this.queue[this.head] as Uint8Array;
        try {
          await this.socket.send(frame);
          this.hooks.sent();
        } catch (error) {
          if (this.closed) return;
          this.hooks.failed(this.address, error);
          // Someone closed the socket under us: nothing queued can go out any more.
          if (this.socket.closed) {
            this.close();
            return;
          }
        }
        // Taken off only once sent, so `queued` counts the frame in the socket's hands.
        this.queue[this.head++] = EMPTY;
        if (this.head >= COMPACT_AT && this.head * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
    } finally {
      this.pumping = false;
      if (this.queued === 0) this.wakeIdle();
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

const EMPTY = new Uint8Array(0);
/** Sent frames are cut off the front of the queue in batches, not one shift() each. */
const COMPACT_AT = 1024;
