// A socket's receive side: the fair queue of channels with arrived messages, and what libzmq
// does with a message before the user sees it: ZMQ_MAXMSGSIZE (the decoder drops the
// connection), a REQ session's envelope check over tcp/ipc (it drops the connection too), and
// the kind's own filter (socket-kinds.ts acceptIncoming: subscriptions, REQ/REP envelopes).
// What came through a connection the user disconnect()ed is discarded unread (zmq_disconnect).

import type { Message } from '../../core/transport.js';
import type { Channel } from './channel.js';
import { FairQueue } from './fair-queue.js';
import { netError, type NetError } from './net-error.js';
import { acceptIncoming, canReceive } from './socket-kinds.js';
import type { SocketSim } from './socket-sim.js';
import { breakConnection } from './wiring.js';

export class SocketInbox {
  private ready = new FairQueue();
  /** Oversize or malformed messages already in a queue, never to be read. */
  private readonly refused = new WeakSet<Message>();
  /**
   * A take is under way. Taking from a channel stalled at RCVHWM resumes its flush, whose
   * arrivals must only queue: a receive fulfilled from inside the take would get the next
   * message while the one this take holds is lost.
   */
  taking = false;
  /**
   * The last take found only messages it discarded. zeromq.js then rejects the receive with
   * EAGAIN: the socket said it was readable, and the read found nothing (measured, 6.8).
   */
  discardedOnly = false;

  constructor(private readonly socket: SocketSim) {}

  /** A channel moved `message` in (checked again at read if not given); false if it is refused for good. */
  admit(channel: Channel, message?: Message): boolean {
    if (message !== undefined && (this.oversize(channel, message) || this.malformedReply(channel, message))) {
      this.refused.add(message);
      return false;
    }
    this.ready.add(channel);
    return true;
  }

  /** The next message the user may read now, or undefined. */
  take(): Message | undefined {
    const socket = this.socket;
    this.discardedOnly = false;
    if (!canReceive(socket)) return undefined;
    this.taking = true;
    try {
      let message: Message | undefined;
      while ((message = this.ready.next()) !== undefined) {
        const channel = this.ready.lastChannel as Channel;
        if (this.refused.has(message) || this.oversize(channel, message)) continue;
        if (channel.to?.disconnected) {
          socket.ctx.drop('closed', socket.host, channel.from.socket.host, socket.host, socket.id, 0, message);
          continue;
        }
        const accepted = acceptIncoming(socket, channel, message);
        if (accepted !== undefined) return accepted;
        // A REQ/REP saw something to read and threw it away (a malformed envelope, a stray reply).
        if (socket.type === 'req' || socket.type === 'rep') this.discardedOnly = true;
      }
      return undefined;
    } finally {
      this.taking = false;
    }
  }

  discardedError(): NetError {
    return netError('receive: what arrived was discarded (a malformed envelope or a stray reply) and nothing else is readable', 'EAGAIN');
  }

  /** The socket left the network: nothing queued is read any more. */
  clear(): void {
    this.ready = new FairQueue();
  }

  /**
   * REQ over tcp/ipc: libzmq's req_session checks each incoming message's envelope (an empty
   * delimiter, or a 4-byte request id then one, before a body) and drops the connection on a
   * malformed one, losing what follows it in flight. Over inproc there is no session: the REQ
   * itself discards it (acceptIncoming). Measured against zeromq.js 6.8.
   */
  private malformedReply(channel: Channel, message: Message): boolean {
    const socket = this.socket;
    if (socket.type !== 'req' || channel.to === undefined || socket.isInproc(channel.to)) return false;
    const first = message[0] as Uint8Array;
    const wellFormed = message.length >= 2 && (first.length === 0 || (first.length === 4 && message.length >= 3 && (message[1] as Uint8Array).length === 0));
    if (wellFormed) return false;
    socket.ctx.drop('unexpected', socket.host, channel.from.socket.host, socket.host, socket.id, 0, message);
    if (channel.to.peer) breakConnection(socket.ctx, channel.to, 'disconnect');
    return true;
  }

  /**
   * maxMessageSize: libzmq's decoder refuses a bigger message and drops the connection it came
   * on (both sides report disconnect, what was in flight is lost, the connecting side reconnects).
   */
  private oversize(channel: Channel, message: Message): boolean {
    const socket = this.socket;
    // Over inproc messages pass as they are: no ZMTP decoder, no limit (measured).
    if (socket.maxMessageSize < 0 || (channel.to !== undefined && socket.isInproc(channel.to))) return false;
    let bytes = 0;
    for (const frame of message) bytes += frame.length;
    if (bytes <= socket.maxMessageSize) return false;
    socket.ctx.drop('disconnect', socket.host, channel.from.socket.host, socket.host, socket.id, 0, message);
    const end = channel.to;
    if (end?.peer) breakConnection(socket.ctx, end, 'disconnect');
    return true;
  }
}
