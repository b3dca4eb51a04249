// The receive loop of both ends of the worker control socket (the router's WorkerControlServer and
// a worker's WorkerControlAgent): each message goes to `handle` until the owner stops or the
// socket closes; a failing receive is reported and waited out on the backoff (doubling per
// consecutive failure, cut short by the owner's close), so a persistent failure never spins.

import type { FailureBackoff } from './failure-backoff.js';
import type { Socket } from './transport.js';

export interface ControlReceiveLoop {
  socket: Socket;
  backoff: FailureBackoff;
  /** True once the owner is closing. */
  stopped: () => boolean;
  /** A receive failed (not by close): the context to log. */
  onFailure: (context: { err: unknown; consecutive: number; backoffMs: number }) => void;
  /** One message; awaited before the next receive. */
  handle: (frames: Uint8Array[]) => unknown;
}

export async function receiveControlMessages({ socket, backoff, stopped, onFailure, handle }: ControlReceiveLoop): Promise<void> {
  while (!stopped() && !socket.closed) {
    let frames: Uint8Array[];
    try {
      frames = await socket.receive();
    } catch (error) {
      if (stopped() || socket.closed) return;
      const { consecutive, delayMs } = backoff.fail();
      onFailure({ err: error, consecutive, backoffMs: delayMs });
      await backoff.wait(delayMs);
      continue;
    }
    backoff.succeed();
    await handle(frames);
  }
}
