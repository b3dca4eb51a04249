// How sockets find each other: bind registers an endpoint, connect creates a pipe end at
// once (messages may queue in it, as in ZeroMQ without ZMQ_IMMEDIATE) and a connector that
// completes a handshake one link latency after the endpoint is bound, and again after
// every reconnection. Tearing a pipe down loses what was on the wire, never what the
// surviving side already received.

import type { SocketType } from '../../core/transport.js';
import { endpointKey, isAnyInterface, isLoopback, type ZmqAddress } from './address.js';
import { Channel } from './channel.js';
import type { DropReason, NetContext } from './net-context.js';
import { netError } from './net-error.js';
import type { SocketSim } from './socket-sim.js';
import type { HttpServerSim } from './http-sim.js';

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

  constructor(
    ctx: NetContext,
    readonly socket: SocketSim,
    peerHost: string,
  ) {
    this.out = new Channel(ctx, this, peerHost, ctx.links.link(socket.host, peerHost));
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
}

const EMPTY = new Uint8Array(0);

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
    for (const connector of waiting) startHandshake(ctx, connector);
  }
  return binding;
}

/** Removes a binding; connections accepted through it are torn down (their connecting sides reconnect). */
export function removeBinding(ctx: NetContext, binding: Binding, reason: DropReason): void {
  if (ctx.bindings.get(binding.key) === binding) ctx.bindings.delete(binding.key);
  for (const end of [...binding.accepted]) teardown(ctx, end, reason);
}

export function addConnector(ctx: NetContext, socket: SocketSim, address: string, key: string, targetHost: string): Connector {
  const end = new PipeEnd(ctx, socket, targetHost);
  const connector: Connector = { socket, address, key, targetHost, end, state: 'waiting', attempt: 0 };
  socket.addEnd(end, false);
  startHandshake(ctx, connector);
  return connector;
}

function wait(ctx: NetContext, connector: Connector): void {
  connector.state = 'waiting';
  let set = ctx.waiting.get(connector.key);
  if (!set) ctx.waiting.set(connector.key, (set = new Set()));
  set.add(connector);
}

/** Tries to connect now: the peer learns of the connection one link latency later. */
export function startHandshake(ctx: NetContext, connector: Connector): void {
  if (connector.state === 'closed' || connector.socket.closed) return;
  const binding = ctx.bindings.get(connector.key);
  if (!binding || !isSocketBinding(binding) || (binding.loopbackOnly && connector.socket.host !== binding.host)) return wait(ctx, connector);
  connector.state = 'handshake';
  const attempt = ++connector.attempt;
  ctx.handshaking.add(connector);
  const link = ctx.links.current(ctx.links.link(connector.socket.host, connector.targetHost));
  const deadline = ctx.kernel.now() + link.sampleLatency(ctx.random);
  ctx.kernel.schedule(deadline, () => {
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
    return;
  }
  const far = new PipeEnd(ctx, remote, socket.host);
  far.binding = binding;
  if (!remote.identify(far, socket) || !socket.identify(near, remote)) {
    connector.state = 'closed';
    ctx.record('refused', socket.host, { from: socket.host, to: remote.host, socket: socket.id, peer: remote.id, reason: 'duplicate routing id' });
    return;
  }
  connector.state = 'up';
  near.peer = far;
  far.peer = near;
  binding.accepted.add(far);
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
  end.out.cutOff(reason, false);
  leaving.removeEnd(end);
  end.binding?.accepted.delete(end);
  if (!peer) return;
  // Whatever was on its way to the leaving side is lost; so is its queue if the socket is gone.
  peer.out.cutOff(reason, leaving.closed);
  end.peer = undefined;
  peer.peer = undefined;
  ctx.record('disconnect', leaving.host, { from: leaving.host, to: peer.socket.host, socket: leaving.id, peer: peer.socket.id, reason });
  const connector = peer.socket.connectorOf(peer);
  if (!connector || peer.socket.closed) {
    peer.socket.removeEnd(peer);
    peer.binding?.accepted.delete(peer);
    return;
  }
  // The connecting side survives: ZeroMQ keeps its pipe and reconnects when the endpoint is bound again.
  peer.socket.detached(peer);
  peer.out = new Channel(ctx, peer, connector.targetHost, ctx.links.link(peer.socket.host, connector.targetHost));
  startHandshake(ctx, connector);
}

/** Closes a connector of a socket (disconnect, close, crash). */
export function closeConnector(ctx: NetContext, connector: Connector, reason: DropReason): void {
  const previous = connector.state;
  connector.state = 'closed';
  connector.attempt++;
  ctx.handshaking.delete(connector);
  ctx.waiting.get(connector.key)?.delete(connector);
  ctx.partitionBlocked.delete(connector);
  if (previous === 'up') teardown(ctx, connector.end, reason);
  else {
    connector.end.out.cutOff(reason, true);
    connector.socket.removeEnd(connector.end);
  }
}

/** After repair: handshakes that a partition blocked are tried again. */
export function retryBlocked(ctx: NetContext): void {
  const blocked = [...ctx.partitionBlocked];
  ctx.partitionBlocked.clear();
  for (const connector of blocked) startHandshake(ctx, connector);
}
