// The ping server: a ROUTER that answers every [id, 'ping'] with [id, 'pong'], stateless.

import type { Logger } from '../../src/core/ports.js';
import type { Message, Socket, TransportPort } from '../../src/core/transport.js';
import { Outbox } from './outbox.js';
import { serve } from './serve.js';

export class PingServer {
  private readonly socket: Socket;
  private readonly outbox: Outbox;
  pings = 0;

  constructor(transport: TransportPort, logger: Logger, address: string) {
    this.socket = transport.socket('router');
    this.outbox = new Outbox(this.socket, logger);
    void this.socket.bind(address).then(() => serve(this.socket, (message) => this.onPing(message)));
  }

  private onPing([identity, id]: Message): void {
    if (identity === undefined || id === undefined) return;
    this.pings++;
    this.outbox.send([identity, id, new TextEncoder().encode('pong')]);
  }
}
