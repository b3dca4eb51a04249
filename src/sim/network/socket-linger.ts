// close() with queued messages, as libzmq's ZMQ_LINGER: the socket is closed for its user at
// once, but its pipes stay on the network until each has nothing left to send (-1, the default:
// however long that takes, reconnecting meanwhile), until lingerMs passes, or not at all (0).
// Over inproc the pipe is shared with the peer (no session in between): what was written stays
// readable by the peer whatever linger says (measured against zeromq.js 6.8).

import type { ScheduledTask } from '../../core/scheduler.js';
import type { SocketSim } from './socket-sim.js';
import type { PipeEnd } from './pipe-end.js';
import { teardown } from './wiring.js';

export class SocketLinger {
  /** Closed with linger: still delivering what was queued. */
  active = false;
  private timer: ScheduledTask | undefined;

  constructor(
    private readonly socket: SocketSim,
    /** Takes the socket off the network for good. */
    private readonly finish: () => void,
  ) {}

  start(lingerMs: number): void {
    const ctx = this.socket.ctx;
    this.active = true;
    if (lingerMs === 0) this.expire();
    else if (lingerMs > 0) this.timer = ctx.kernel.schedule(ctx.kernel.now() + lingerMs, () => this.expire(), ctx.ownerOf(this.socket.host));
    this.check();
  }

  /** Every pipe with nothing left to send goes; the socket goes with the last one. */
  check(): void {
    if (!this.active || this.socket.closed) return;
    for (const end of [...this.socket.ends]) if (end.out.pending === 0) this.drop(end);
    if (this.socket.ends.length === 0) this.finish();
  }

  stop(): void {
    this.active = false;
    if (this.timer) this.socket.ctx.kernel.cancel(this.timer);
    this.timer = undefined;
  }

  /** Linger is over: what is still queued is dropped, except over inproc. */
  private expire(): void {
    if (!this.active || this.socket.closed) return;
    for (const end of [...this.socket.ends]) if (!this.socket.isInproc(end)) this.drop(end);
    if (this.socket.ends.length === 0) this.finish();
  }

  private drop(end: PipeEnd): void {
    const connector = this.socket.connectorOf(end);
    if (connector) this.socket.dropConnector(connector);
    else teardown(this.socket.ctx, end, 'closed');
  }
}
