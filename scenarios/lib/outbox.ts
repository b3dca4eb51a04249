// Serialised sending on one socket: a ZeroMQ socket allows one send in progress (a blocked
// DEALER send waits for a peer), so messages queue here, bounded; past the bound the oldest
// is dropped, which a retrying caller tolerates like any other loss.

import type { Logger } from '../../src/core/ports.js';
import type { Message, Socket } from '../../src/core/transport.js';

export class Outbox {
  private readonly queue: Message[] = [];
  private sending = false;
  /** Messages dropped because the outbox was full. */
  dropped = 0;

  constructor(
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly messagesMax = 1000,
  ) {}

  send(message: Message): void {
    if (this.queue.length >= this.messagesMax) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(message);
    if (!this.sending) void this.pump();
  }

  private async pump(): Promise<void> {
    this.sending = true;
    try {
      for (let message = this.queue.shift(); message !== undefined && !this.socket.closed; message = this.queue.shift()) {
        await this.socket.send(message);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox: send failed; dropping the queue (callers retry)');
      this.queue.length = 0;
    } finally {
      this.sending = false;
    }
  }
}
