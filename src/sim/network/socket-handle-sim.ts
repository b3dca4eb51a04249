// The simulated socket as its user holds it. SocketSim's own `closed` means "gone from the
// network", which a socket closed with linger is not until its queues drain; the user sees
// `closed` the moment close() returns, as with zeromq.js. Everything else is SocketSim's.

import type { Message, Sendable, Socket, SocketEvents, SocketType } from '../../core/transport.js';
import type { SocketSim } from './socket-sim.js';

const NEVER = new Promise<never>(() => {});

export class SocketHandleSim implements Socket {
  constructor(private readonly sim: SocketSim) {}

  get type(): SocketType {
    return this.sim.type;
  }

  get closed(): boolean {
    return this.sim.userClosed;
  }

  get lastEndpoint(): string | null {
    return this.sim.lastEndpoint;
  }

  get events(): SocketEvents {
    return this.sim.events;
  }

  bind(address: string): Promise<void> {
    return this.sim.bind(address);
  }

  unbind(address: string): Promise<void> {
    return this.sim.unbind(address);
  }

  connect(address: string): void {
    this.sim.connect(address);
  }

  disconnect(address: string): void {
    this.sim.disconnect(address);
  }

  send(message: Sendable): Promise<void> {
    return this.sim.send(message);
  }

  receive(): Promise<Message> {
    return this.sim.receive();
  }

  subscribe(prefix?: string | Uint8Array): void {
    this.sim.subscribe(prefix);
  }

  unsubscribe(prefix?: string | Uint8Array): void {
    this.sim.unsubscribe(prefix);
  }

  close(): void {
    this.sim.close();
  }

  /** Ends once the socket is closed; a crashed host's iteration never settles. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    const sim = this.sim;
    const done = { done: true as const, value: undefined };
    return {
      next: () => {
        if (sim.userClosed) return sim.dead ? NEVER : Promise.resolve(done);
        return sim.receive().then(
          (value) => ({ done: false as const, value }),
          (error: unknown) => {
            if (sim.userClosed) return done;
            throw error;
          },
        );
      },
    };
  }
}
