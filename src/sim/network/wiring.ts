// How sockets find each other and lose each other, as libzmq does over tcp and ipc: connect
// creates a pipe end at once (messages queue in it, ZeroMQ without ZMQ_IMMEDIATE) and a
// connector that tries the endpoint at connect() and then on libzmq's reconnect schedule
// (reconnect.ts), so a bind after the connect is reached at the next try, not at once (inproc
// connects the moment the name is bound). A handshake takes one link latency. A connection
// breaks only when a socket goes (close, crash, unbind), on a `disconnect` fault or when
// heartbeats expire (heartbeat.ts); then what was in flight (sent on the live connection, not
// yet in the receiver's queue) is lost both ways, what the survivor already received stays
// readable, the bind side's pipe dies with the connection, and the connect side keeps its pipe
// and tries again one reconnect interval later. A partition never breaks a connection by
// itself: it stalls it (channel.ts), and everything arrives late once it heals.

import type { SocketType } from '../../core/transport.js';
import { endpointKey, isAnyInterface, isLoopback, type ZmqAddress } from './address.js';
import { Channel, type CarriedPipe } from './channel.js';
import { transportOf } from './tcp-model.js';
import { unwatch, watchLiveness } from './heartbeat.js';
import type { DropReason, NetContext } from './net-context.js';
import { netError } from './net-error.js';
import { reconnectLater, retryBlockedConnects, scheduleStep, tryAtNextChance, wait } from './reconnect.js';
import { PipeEnd, type Binding, type Connector } from './pipe-end.js';
import type { SocketSim } from './socket-sim.js';
import type { HttpServerSim } from './http-sim.js';

const COMPATIBLE: Record<SocketType, readonly SocketType[]> = {
  push: ['pull'],
  pull: ['push'],
  dealer: ['dealer', 'router', 'rep'],
  router: ['dealer', 'router', 'req'],
  req: ['rep', 'router'],
  rep: ['req', 'dealer'],
  pub: ['sub'],
  sub: ['pub'],
};

/** The host a tcp address refers to, seen from `host`. */
export function resolveHost(ctx: NetContext, op: string, host: string, address: ZmqAddress, raw: string): string {
  if (address.scheme !== 'tcp' || isLoopback(address.host)) return host;
  if (isAnyInterface(address.host)) {
    if (op === 'bind') return host;
    throw new RangeError(`${op}: cannot connect to a wildcard host in address ${JSON.stringify(raw)}`);
  }
  if (op === 'bind') {
    if (address.host === host) return host;
    throw netError(`bind: cannot assign requested address ${JSON.stringify(raw)}: ${JSON.stringify(address.host)} is not this host (${JSON.stringify(host)})`, 'EADDRNOTAVAIL');
  }
  if (!ctx.knownHost(address.host)) {
    throw netError(`${op}: unknown host ${JSON.stringify(address.host)} in address ${JSON.stringify(raw)} (known hosts: ${ctx.hostList()})`, 'EHOSTUNREACH');
  }
  return address.host;
}

export function addBinding(ctx: NetContext, owner: SocketSim | HttpServerSim, host: string, address: ZmqAddress, raw: string): Binding {
  const key = endpointKey(host, address);
  if (ctx.bindings.has(key)) throw netError(`bind: address already in use ${JSON.stringify(raw)} on host ${JSON.stringify(host)}`, 'EADDRINUSE');
  const binding: Binding = { key, host, address: raw, loopbackOnly: address.scheme === 'tcp' && isLoopback(address.host), owner, accepted: new Set() };
  ctx.bindings.set(key, binding);
  const waiting = ctx.waiting.get(key);
  if (waiting) {
    ctx.waiting.delete(key);
    for (const connector of waiting) tryAtNextChance(ctx, connector, startHandshake);
  }
  return binding;
}

/** Removes a binding; connections accepted through it are torn down (their connecting sides reconnect). */
export function removeBinding(ctx: NetContext, binding: Binding, reason: DropReason): void {
  if (ctx.bindings.get(binding.key) === binding) ctx.bindings.delete(binding.key);
  for (const end of [...binding.accepted]) teardown(ctx, end, reason);
}

export function addConnector(ctx: NetContext, socket: SocketSim, address: string, key: string, targetHost: string): Connector {
  const end = new PipeEnd(ctx, socket, targetHost, transportOf(address));
  const connector: Connector = { socket, address, key, targetHost, end, state: 'waiting', attempt: 0, schedule: undefined };
  socket.addEnd(end, false);
  startHandshake(ctx, connector);
  return connector;
}

/** Tries to connect now: the peer learns of the connection one link latency later. */
export function startHandshake(ctx: NetContext, connector: Connector): void {
  if (connector.state === 'closed' || connector.socket.closed) return;
  const binding = ctx.bindings.get(connector.key);
  if (!binding || !isSocketBinding(binding) || (binding.loopbackOnly && connector.socket.host !== binding.host)) {
    connector.synSentMs = undefined;
    return wait(ctx, connector);
  }
  connector.state = 'handshake';
  connector.synSentMs ??= ctx.kernel.now();
  const attempt = ++connector.attempt;
  ctx.handshaking.add(connector);
  const link = ctx.links.current(ctx.links.link(connector.socket.host, connector.targetHost));
  const deadline = ctx.kernel.now() + link.sampleLatency(ctx.random);
  scheduleStep(ctx, connector, deadline, () => {
    if (connector.attempt === attempt) completeHandshake(ctx, connector, binding);
  }, ctx.ownerOf(connector.targetHost));
}

/**
 * The target host crashed during handshakes toward it: they wait for the endpoint again
 * (the handshake event may even have been dropped with the host's tasks).
 */
export function abortHandshakesTo(ctx: NetContext, host: string): void {
  for (const connector of [...ctx.handshaking]) {
    if (connector.targetHost !== host) continue;
    connector.attempt++;
    ctx.handshaking.delete(connector);
    startHandshake(ctx, connector);
  }
}

function isSocketBinding(binding: Binding): binding is Binding & { owner: SocketSim } {
  return 'onArrival' in binding.owner;
}

function completeHandshake(ctx: NetContext, connector: Connector, binding: Binding & { owner: SocketSim }): void {
  ctx.handshaking.delete(connector);
  if (connector.state !== 'handshake' || connector.socket.closed) return;
  if (ctx.bindings.get(connector.key) !== binding || binding.owner.closed) return startHandshake(ctx, connector);
  const there = ctx.links.current(ctx.links.link(connector.socket.host, connector.targetHost));
  const back = ctx.links.current(ctx.links.link(connector.targetHost, connector.socket.host));
  if (there.partitioned || back.partitioned) {
    connector.state = 'waiting';
    ctx.partitionBlocked.add(connector);
    return;
  }
  if (there.held) {
    connector.state = 'waiting';
    there.parked.push({ resume: () => startHandshake(ctx, connector) });
    return;
  }
  attach(ctx, connector, binding);
}

function attach(ctx: NetContext, connector: Connector, binding: Binding & { owner: SocketSim }): void {
  const near = connector.end;
  const socket = connector.socket;
  const remote = binding.owner;
  if (!COMPATIBLE[socket.type].includes(remote.type)) {
    connector.state = 'closed';
    ctx.record('refused', socket.host, { from: socket.host, to: remote.host, socket: socket.id, peer: remote.id, reason: `${socket.type} cannot talk to ${remote.type}` });
    // libzmq drops it in the ZMTP handshake (socket types checked): both sides report a disconnect; no retry follows.
    socket.watch.handshakeOnly(connector.address, true, near, 'disconnect');
    remote.watch.handshakeOnly(binding.address, false, undefined, 'disconnect');
    return;
  }
  const far = new PipeEnd(ctx, remote, socket.host, near.transport);
  far.binding = binding;
  if (!remote.identify(far, socket) || !socket.identify(near, remote)) {
    connector.state = 'closed';
    ctx.record('refused', socket.host, { from: socket.host, to: remote.host, socket: socket.id, peer: remote.id, reason: 'duplicate routing id' });
    // libzmq refuses the routing id after the ZMTP handshake: both sides report it, neither a disconnect.
    socket.watch.handshakeOnly(connector.address, true, near, 'handshake');
    remote.watch.handshakeOnly(binding.address, false, far, 'handshake');
    return;
  }
  connector.state = 'up';
  connector.schedule = undefined;
  connector.synSentMs = undefined;
  near.peer = far;
  far.peer = near;
  binding.accepted.add(far);
  watchLiveness(ctx, near, far, (end) => breakConnection(ctx, end, 'heartbeat'));
  near.out.onGiveUp = far.out.onGiveUp = () => breakConnection(ctx, near, 'tcp-timeout');
  far.out.connect(near);
  ctx.record('connect', socket.host, { from: socket.host, to: remote.host, socket: socket.id, peer: remote.id, address: connector.address });
  remote.addEnd(far, true);
  socket.attached(near);
  near.out.connect(far);
}

/**
 * Tears down the connection of `end`, whose socket is going away (closed, crashed,
 * disconnected) or losing the binding that accepted it (unbind).
 */
export function teardown(ctx: NetContext, end: PipeEnd, reason: DropReason): void {
  const peer = end.peer;
  const leaving = end.socket;
  unwatch(ctx, end);
  // A crashed process's kernel buffers die with it; a socket closed or unbound sends what they hold.
  if (reason === 'crash') end.out.cutOff(reason, false);
  else end.out.closeGracefully(reason);
  leaving.removeEnd(end);
  end.binding?.accepted.delete(end);
  if (!peer) return;
  // Whatever was on its way to the leaving side is lost; so is its queue if the socket is gone.
  const carried = carriesPipe(peer) ? peer.out.takePipe() : undefined;
  peer.out.cutOff(reason, leaving.closed);
  end.peer = undefined;
  peer.peer = undefined;
  ctx.record('disconnect', leaving.host, { from: leaving.host, to: peer.socket.host, socket: leaving.id, peer: peer.socket.id, reason });
  survive(ctx, peer, carried);
}

/** The connecting side keeps its pipe across a reconnect (the bind side's dies with the connection). */
function carriesPipe(end: PipeEnd): boolean {
  return !end.socket.closed && end.socket.connectorOf(end) !== undefined;
}

/** After its connection broke, a live end stays (connect side, reconnecting) or goes (bind side: its pipe dies with the connection). */
function survive(ctx: NetContext, end: PipeEnd, carried: CarriedPipe | undefined): void {
  const connector = end.socket.connectorOf(end);
  if (!connector || end.socket.closed) {
    end.socket.removeEnd(end);
    end.binding?.accepted.delete(end);
    return;
  }
  // The connecting side survives: ZeroMQ keeps its pipe and tries again one reconnect interval later.
  end.socket.detached(end);
  end.out = new Channel(ctx, end, connector.targetHost, ctx.links.link(end.socket.host, connector.targetHost), end.transport);
  if (carried) end.out.adopt(carried);
  reconnectLater(ctx, connector, startHandshake);
}

/**
 * The connection of `end` breaks while both sockets live (a `disconnect` fault, heartbeats
 * expiring): what was in flight either way is lost, each side keeps what it already received,
 * the bind side's pipe goes and the connect side reconnects.
 */
export function breakConnection(ctx: NetContext, end: PipeEnd, reason: DropReason): void {
  const peer = end.peer;
  if (!peer) return;
  unwatch(ctx, end);
  const carriedHere = carriesPipe(end) ? end.out.takePipe() : undefined;
  const carriedThere = carriesPipe(peer) ? peer.out.takePipe() : undefined;
  end.out.cutOff(reason, false);
  peer.out.cutOff(reason, false);
  end.peer = undefined;
  peer.peer = undefined;
  ctx.record('disconnect', end.socket.host, { from: end.socket.host, to: peer.socket.host, socket: end.socket.id, peer: peer.socket.id, reason });
  survive(ctx, end, carriedHere);
  survive(ctx, peer, carriedThere);
}

/** Breaks every connection between a host of `sideA` and a host of `sideB` (a `disconnect` fault); returns how many. */
export function breakConnectionsBetween(ctx: NetContext, sideA: readonly string[], sideB: readonly string[]): number {
  const a = new Set(sideA);
  const b = new Set(sideB);
  const ends: PipeEnd[] = [];
  for (const host of a) {
    for (const socket of ctx.knownHost(host)?.sockets ?? []) {
      for (const end of socket.ends) if (end.peer && b.has(end.peer.socket.host)) ends.push(end);
    }
  }
  for (const end of ends) breakConnection(ctx, end, 'disconnect');
  return ends.length;
}


/** Closes a connector of a socket (disconnect, close, crash). */
export function closeConnector(ctx: NetContext, connector: Connector, reason: DropReason): void {
  const previous = connector.state;
  connector.state = 'closed';
  if (previous === 'up') unwatch(ctx, connector.end);
  connector.attempt++;
  if (connector.task) ctx.kernel.cancel(connector.task);
  connector.task = undefined;
  ctx.handshaking.delete(connector);
  ctx.waiting.get(connector.key)?.delete(connector);
  ctx.partitionBlocked.delete(connector);
  if (previous === 'up') teardown(ctx, connector.end, reason);
  else {
    connector.end.out.cutOff(reason, true);
    connector.socket.removeEnd(connector.end);
  }
}

/** After repair: connects that a partition blocked complete at TCP's next SYN resend. */
export function retryBlocked(ctx: NetContext): void {
  retryBlockedConnects(ctx, startHandshake);
}
