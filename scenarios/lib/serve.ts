// The receive loop every example service runs: hand each message to `onMessage` until the socket
// closes (a crashed host's socket never settles again, so its loop simply stops being resumed).

import type { Message, Socket } from '../../src/core/transport.js';

export async function serve(socket: Socket, onMessage: (message: Message) => void): Promise<void> {
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
