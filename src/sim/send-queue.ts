// Serialised sending on one socket: a ZeroMQ socket allows one send in progress (a DEALER's
// send waits while no peer is connected), so messages queue here in order, bounded. Past the
// bound the oldest is dropped and counted: a caller that retries tolerates it like any loss,
// and a queue that grows without end would hide an overload. A failed send (the socket closed
// under it) drops what is queued and logs it; callers retry.

import { silentLogger, type Logger } from '../core/ports.js';
import type { Message, Socket } from '../core/transport.js';
import { checkInteger, checkLogger, checkOptions } from '../core/validate.js';

export interface SendQueueOptions {
  /** Where a failed send is reported (warn). Default silent. */
  logger?: Logger;
  /** Most messages waiting; past it the oldest is dropped. Default 1000. */
  messagesMax?: number;
}

export class SendQueue {
  private readonly queue: Message[] = [];
  private sending = false;
  private readonly logger: Logger;
  private readonly messagesMax: number;
  /** Messages dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly socket: Socket,
    options: SendQueueOptions = {},
  ) {
    if (socket === null || typeof socket !== 'object' || typeof socket.send !== 'function') {
      throw new TypeError(`socket: expected a socket from transport.socket(...), got ${socket === null ? 'null' : typeof socket}`);
    }
    checkOptions('SendQueue options', options, ['logger', 'messagesMax']);
    this.logger = options.logger ?? silentLogger;
    checkLogger('logger', this.logger);
    this.messagesMax = options.messagesMax ?? 1000;
    checkInteger('messagesMax', this.messagesMax, 1);
  }

  /** Messages waiting to be sent. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues `message`; sends start at once if none is in progress. */
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
      this.logger.warn({ err: error, dropped: this.queue.length }, 'send queue: send failed; dropping the queue (callers retry)');
      this.queue.length = 0;
    } finally {
      this.sending = false;
    }
  }
}
