// The nouns of the connection layer (wiring.ts does the verbs): a pipe end, one socket's side
// of a connection with its outgoing channel; a binding, an address a socket or server listens
// on; a connector, a socket's connect() with its reconnect state. Modules that only need to
// name them import this file, not wiring.ts.

import type { ScheduledTask } from '../../core/scheduler.js';
import { Channel } from './channel.js';
import type { Transport } from './tcp-model.js';
import type { Liveness } from './heartbeat.js';
import type { NetContext } from './net-context.js';
import type { ReconnectSchedule } from './reconnect.js';
import type { SocketSim } from './socket-sim.js';
import type { HttpServerSim } from './http-sim.js';

const EMPTY = new Uint8Array(0);

/** One side of a connection, owned by one socket. */
export class PipeEnd {
  /** The connection's other side, while attached. */
  peer: PipeEnd | undefined;
  /** This side's outgoing direction. */
  out: Channel;
  /** ROUTER: the peer's identity as a binary-string key, and as bytes. */
  peerKey = '';
  peerIdentity: Uint8Array = EMPTY;
  /** PUB: the peer's subscriptions (a multiset). */
  subscriptions: Uint8Array[] = [];
  /** Bound side: the binding that accepted it. */
  binding: Binding | undefined;
  /** Removed from its socket for good. */
  removed = false;
  /** The user disconnect()ed it: what arrived through it unread is discarded, as zmq_disconnect does. */
  disconnected = false;
  /** The heartbeat watch of its connection, while up and watched. */
  liveness: Liveness | undefined;

  constructor(
    ctx: NetContext,
    readonly socket: SocketSim,
    peerHost: string,
    readonly transport: Transport,
  ) {
    this.out = new Channel(ctx, this, peerHost, ctx.links.link(socket.host, peerHost), transport);
  }
}

export interface Binding {
  key: string;
  host: string;
  address: string;
  loopbackOnly: boolean;
  owner: SocketSim | HttpServerSim;
  accepted: Set<PipeEnd>;
}

export interface Connector {
  socket: SocketSim;
  address: string;
  key: string;
  targetHost: string;
  end: PipeEnd;
  state: 'waiting' | 'handshake' | 'up' | 'closed';
  /** Bumped by each handshake attempt: a stale handshake event does nothing. */
  attempt: number;
  /** When the next try is due (tcp, ipc); undefined until a try fails. */
  schedule: ReconnectSchedule | undefined;
  /** When the SYN of a connect a partition swallowed was first sent (TCP resends it on its own schedule). */
  synSentMs?: number | undefined;
  /** Its one scheduled step (the next try, SYN resend or handshake completion), cancelled when it closes. */
  task?: ScheduledTask | undefined;
}
