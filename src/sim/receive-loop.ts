// The receive loop every service over a socket runs: hand each message to `onMessage` until
// the socket closes. A crashed host's socket never settles again, so its loop simply stops
// being resumed: nothing of the dead incarnation runs after the crash.

import { checkFunction } from '../core/validate.js';
import type { Message, Socket } from '../core/transport.js';

/**
 * Receives from `socket` until it closes (then resolves). `onMessage` runs once per message, in
 * order; if it throws, the loop stops and the promise rejects with that error (in a simulation
 * an unhandled rejection fails the run, so a handler's bug is never lost).
 */
export async function receiveLoop(socket: Socket, onMessage: (message: Message) => void): Promise<void> {
  if (socket === null || typeof socket !== 'object' || typeof socket.receive !== 'function') {
    throw new TypeError(`socket: expected a socket from transport.socket(...), got ${socket === null ? 'null' : typeof socket}`);
  }
  checkFunction('onMessage', onMessage);
  for (;;) {
    let message: Message;
    try {
      message = await socket.receive();
    } catch {
      return; // closed: nothing more will arrive
    }
    onMessage(message);
  }
}
