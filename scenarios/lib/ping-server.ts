// The ping server: a ROUTER that answers every [id, 'ping'] with [id, 'pong'], stateless.

import type { Logger, Message, Socket, TransportPort } from 'toto-ts';
import { receiveLoop, SendQueue } from 'toto-ts/sim';

export class PingServer {
  private readonly socket: Socket;
  private readonly outbox: SendQueue;
  pings = 0;

  constructor(transport: TransportPort, logger: Logger, address: string) {
    this.socket = transport.socket('router');
    this.outbox = new SendQueue(this.socket, { logger });
    void this.socket.bind(address).then(() => receiveLoop(this.socket, (message) => this.onPing(message)));
  }

  private onPing([identity, id]: Message): void {
    if (identity === undefined || id === undefined) return;
    this.pings++;
    this.outbox.send([identity, id, new TextEncoder().encode('pong')]);
  }
}
