// What each ZeroMQ socket kind does with a message: how an outgoing one is routed
// (round-robin, fan-out by subscription, by identity, back to the requester) and how an
// incoming one is presented (identity frame, envelope stripped, subscription filter).

import type { Message } from '../../core/transport.js';
import type { Channel } from './channel.js';
import { netError } from './net-error.js';
import { bytesKey, EMPTY_FRAME, matchesAny, sameBytes, subscriptionFrame } from './frames.js';
import type { SocketSim } from './socket-sim.js';
import type { PipeEnd } from './pipe-end.js';

/**
 * Whether it is this socket's turn to send. zeromq.js never raises EFSM: a REQ awaiting its
 * reply, a REP that owes none, and the receive-only kinds simply are not writable, so the send waits.
 */
export function canSend(socket: SocketSim): boolean {
  switch (socket.type) {
    case 'pull':
    case 'sub':
      return false;
    case 'req':
      return socket.replyEnd === undefined;
    case 'rep':
      return socket.envelope !== undefined;
    default:
      return true;
  }
}

/** Whether the socket may take a message now (the mirror of canSend; push and pub never receive). */
export function canReceive(socket: SocketSim): boolean {
  switch (socket.type) {
    case 'push':
    case 'pub':
      return false;
    case 'req':
      return socket.replyEnd !== undefined;
    case 'rep':
      return socket.envelope === undefined;
    default:
      return true;
  }
}

/**
 * Routes one outgoing message; false if the socket must wait for room (push, dealer, req, a
 * mandatory router). Throws EHOSTUNREACH for a mandatory router's unknown identity.
 */
export function routeOutgoing(socket: SocketSim, message: Message): boolean {
  switch (socket.type) {
    case 'push':
    case 'dealer': {
      const end = pickRoundRobin(socket);
      if (!end) return false;
      end.out.send(message);
      return true;
    }
    case 'req': {
      const end = pickRoundRobin(socket);
      if (!end) return false;
      end.out.send([EMPTY_FRAME, ...message]);
      socket.replyEnd = end;
      return true;
    }
    case 'pub':
      publish(socket, message);
      return true;
    case 'router':
      return routeByIdentity(socket, message);
    case 'rep':
      reply(socket, message);
      return true;
    default:
      return false;
  }
}

/** The next end with room under the high-water mark, in round-robin order. */
function pickRoundRobin(socket: SocketSim): PipeEnd | undefined {
  const ends = socket.ends;
  const n = ends.length;
  const hwm = socket.sendHighWaterMark;
  for (let k = 0; k < n; k++) {
    let i = socket.rr + k;
    if (i >= n) i -= n;
    const end = ends[i] as PipeEnd;
    if (end.out.pending < hwm) {
      socket.rr = i + 1 >= n ? 0 : i + 1;
      return end;
    }
  }
  return undefined;
}

function dropOutgoing(socket: SocketSim, reason: 'hwm' | 'unroutable' | 'closed', to: string, message: Message): void {
  const ctx = socket.ctx;
  ctx.drop(reason, socket.host, socket.host, to, socket.id, ++ctx.msgSeq, message);
}

/** PUB: a copy to every subscribed peer; a peer at its high-water mark misses it. */
function publish(socket: SocketSim, message: Message): void {
  const topic = message[0];
  for (const end of socket.ends) {
    if (!end.peer || !matchesAny(end.subscriptions, topic)) continue;
    if (end.out.pending < socket.sendHighWaterMark) end.out.send(message);
    else dropOutgoing(socket, 'hwm', end.out.toHost, message);
  }
}

/**
 * ROUTER: the first frame names the peer; unknown peers and full pipes drop the message. With
 * mandatory (libzmq's ROUTER_MANDATORY) the router is writable only while some peer's pipe has
 * room, so with no peer the send waits; then an unknown identity is EHOSTUNREACH and a full pipe waits.
 */
function routeByIdentity(socket: SocketSim, message: Message): boolean {
  const identity = message[0] as Uint8Array;
  const end = socket.routes.get(bytesKey(identity));
  const hwm = socket.sendHighWaterMark;
  if (socket.mandatory) {
    let writable = false;
    for (const peer of socket.routes.values()) if (peer.out.pending < hwm) writable = true;
    if (!writable) return false;
    if (!end) throw netError(`send: no peer with routing id ${JSON.stringify(new TextDecoder().decode(identity))} (mandatory)`, 'EHOSTUNREACH');
    if (end.out.pending >= hwm) return false;
    end.out.send(message.slice(1));
    return true;
  }
  if (!end) dropOutgoing(socket, 'unroutable', '', message);
  else if (end.out.pending >= hwm) dropOutgoing(socket, 'hwm', end.out.toHost, message);
  else end.out.send(message.slice(1));
  return true;
}

/** REP: the reply goes back through the requester's pipe with its envelope. */
function reply(socket: SocketSim, message: Message): void {
  const end = socket.replyEnd as PipeEnd;
  const envelope = socket.envelope as Message;
  socket.replyEnd = undefined;
  socket.envelope = undefined;
  const framed = [...envelope, ...message];
  if (end.removed) return dropOutgoing(socket, 'closed', end.out.toHost, framed);
  if (end.out.pending >= socket.sendHighWaterMark) return dropOutgoing(socket, 'hwm', end.out.toHost, framed);
  end.out.send(framed);
}

/** Presents one incoming message to the user, or undefined to discard it. */
export function acceptIncoming(socket: SocketSim, channel: Channel, message: Message): Message | undefined {
  switch (socket.type) {
    case 'router': {
      const out: Message = new Array<Uint8Array>(message.length + 1);
      out[0] = (channel.to as PipeEnd).peerIdentity;
      for (let i = 0; i < message.length; i++) out[i + 1] = message[i] as Uint8Array;
      return out;
    }
    case 'sub':
      if (matchesAny(socket.subscriptions, message[0])) return message;
      return discard(socket, channel, message, 'unsubscribed');
    case 'req':
      // Only the reply to the outstanding request, from the peer it went to, gets through.
      if (channel.to !== socket.replyEnd || message.length < 2 || (message[0] as Uint8Array).length !== 0) {
        return discard(socket, channel, message, 'unexpected');
      }
      socket.replyEnd = undefined;
      return message.slice(1);
    case 'rep': {
      const delimiter = message.findIndex((frame) => frame.length === 0);
      // libzmq discards a malformed envelope: no delimiter, or nothing after it.
      if (delimiter < 0 || delimiter === message.length - 1) return discard(socket, channel, message, 'unexpected');
      socket.envelope = message.slice(0, delimiter + 1);
      socket.replyEnd = channel.to;
      return message.slice(delimiter + 1);
    }
    default:
      return message;
  }
}

function discard(socket: SocketSim, channel: Channel, message: Message, reason: 'unsubscribed' | 'unexpected'): undefined {
  const ctx = socket.ctx;
  ctx.drop(reason, socket.host, channel.from.socket.host, socket.host, socket.id, 0, message);
  return undefined;
}

/** ROUTER: assigns the peer's identity (its routingId, or an automatic 5-byte one as ZeroMQ does). */
export function identifyPeer(socket: SocketSim, end: PipeEnd, peer: SocketSim): boolean {
  if (socket.type !== 'router') return true;
  let identity = peer.routingId;
  if (!identity) {
    const n = socket.autoId++ >>> 0;
    identity = new Uint8Array([0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  }
  const key = bytesKey(identity);
  if (socket.routes.has(key)) return false;
  end.peerKey = key;
  end.peerIdentity = identity;
  return true;
}

export function onEndAttached(socket: SocketSim, end: PipeEnd): void {
  if (socket.type === 'router') socket.routes.set(end.peerKey, end);
  if (socket.type === 'sub') for (const prefix of socket.subscriptions) end.out.send([subscriptionFrame(true, prefix)]);
}

export function onEndDetached(socket: SocketSim, end: PipeEnd): void {
  if (socket.type === 'router' && socket.routes.get(end.peerKey) === end) socket.routes.delete(end.peerKey);
  if (socket.type === 'pub') end.subscriptions = [];
}

/** PUB: a subscription message from a SUB peer (first byte 1 = subscribe, 0 = unsubscribe). */
export function applySubscription(end: PipeEnd, message: Message): void {
  const frame = message[0];
  if (!frame || frame.length === 0) return;
  const prefix = frame.subarray(1);
  if (frame[0] === 1) end.subscriptions.push(prefix);
  else if (frame[0] === 0) {
    const i = end.subscriptions.findIndex((p) => sameBytes(p, prefix));
    if (i >= 0) end.subscriptions.splice(i, 1);
  }
}

/** SUB: records the change locally and tells every connected publisher. */
export function changeSubscription(socket: SocketSim, subscribe: boolean, prefix: Uint8Array): void {
  const list = socket.subscriptions;
  if (subscribe) list.push(prefix);
  else {
    const i = list.findIndex((p) => sameBytes(p, prefix));
    if (i < 0) return;
    list.splice(i, 1);
  }
  for (const end of socket.ends) if (end.peer && !socket.watch.isDeferred(end)) end.out.send([subscriptionFrame(subscribe, prefix)]);
}
