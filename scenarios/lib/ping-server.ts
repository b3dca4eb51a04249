// The ping server: a ROUTER that answers every [id, 'ping'] with [id, 'pong'], stateless.

import type { Logger } from '../../src/core/ports.js';
import type { Socket, TransportPort } from '../../src/core/transport.js';
import { Outbox } from './outbox.js';

export class PingServer {
  private readonly socket: Socket;
  private readonly outbox: Outbox;
  pings = 0;

  constructor(transport: TransportPort, logger: Logger, address: string) {
    this.socket = transport.socket('router');
    this.outbox = new Outbox(this.socket, logger);
    void this.socket.bind(address).then(() => this.serve());
  }

  private async serve(): Promise<void> {
    for (;;) {
      let message;
      try {
        message = await this.socket.receive();
      } catch {
        return;
      }
      const [identity, id] = message;
      if (identity === undefined || id === undefined) continue;
      this.pings++;
      this.outbox.send([identity, id, new TextEncoder().encode('pong')]);
    }
  }
}
