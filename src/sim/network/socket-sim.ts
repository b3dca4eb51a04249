// A simulated ZeroMQ socket with zeromq.js v6's behaviour: EBUSY for a second concurrent send
// or receive and EBADF after close, both thrown synchronously; out-of-turn REQ/REP calls and
// sends on receive-only kinds stay pending (zeromq.js never raises EFSM); close() lingers as
// lingerMs says. It owns its pipe ends and the waiting send/receive; what arrived and may be
// read is its inbox (socket-inbox.ts). Routing rules live in socket-kinds.ts, events in
// socket-events-sim.ts and socket-watch.ts, endpoints in socket-endpoints.ts, linger in
// socket-linger.ts, and `SocketHandleSim` (socket-handle-sim.ts) is the face users hold:
// here `closed` means "gone from the network", which a lingering socket is not yet.

import type { ScheduledTask } from '../../core/scheduler.js';
import type { Message, Sendable, SocketOptions, SocketType } from '../../core/transport.js';
import type { Channel } from './channel.js';
import { toFrame, toMessage } from './frames.js';
import type { HostState, NetContext } from './net-context.js';
import { netError } from './net-error.js';
import { SocketEventsSim } from './socket-events-sim.js';
import { SocketWatch } from './socket-watch.js';
import { applySubscription, canSend, changeSubscription, identifyPeer, onEndAttached, onEndDetached, routeOutgoing } from './socket-kinds.js';
import { SocketEndpoints } from './socket-endpoints.js';
import { SocketInbox } from './socket-inbox.js';
import { SocketLinger } from './socket-linger.js';
import type { Connector, PipeEnd } from './pipe-end.js';
import { teardown } from './wiring.js';

export const RESOLVED: Promise<void> = Promise.resolve();
/** What a crashed process's calls return: a dead process never sees anything settle. */
const NEVER = new Promise<never>(() => {});
const DEFAULT_HWM = 1000;
/** libzmq's ZMQ_RECONNECT_IVL default. */
const DEFAULT_RECONNECT_MS = 100;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  timer: ScheduledTask | undefined;
}

export class SocketSim {
  readonly id: string;
  readonly host: string;
  /** Gone from the network: closed without linger, done lingering, or crashed. */
  closed = false;
  /** The user closed it (or its host crashed): every call throws EBADF. */
  userClosed = false;
  /** Its host crashed: nothing it started ever settles. */
  dead = false;
  lastEndpoint: string | null = null;
  readonly events: SocketEventsSim;
  readonly sendHighWaterMark: number;
  readonly receiveHighWaterMark: number;
  readonly routingId: Uint8Array | undefined;
  /** ROUTER_MANDATORY: unknown identities reject with EHOSTUNREACH, full pipes wait. */
  readonly mandatory: boolean;
  readonly reconnectIntervalMs: number;
  /** Read by the connection layer (reconnect.ts, heartbeat.ts); 0 = off, as in libzmq. */
  readonly reconnectIntervalMsMax: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number | undefined;
  /** Largest message accepted from a peer, -1 = no limit (ZMQ_MAXMSGSIZE). */
  readonly maxMessageSize: number;
  private readonly lingerMs: number;
  private readonly sendTimeoutMs: number | undefined;
  private readonly receiveTimeoutMs: number | undefined;
  /** Attached (and, on the connecting side, still connecting) pipe ends, in round-robin order. */
  readonly ends: PipeEnd[] = [];
  rr = 0;
  private readonly inbox = new SocketInbox(this);
  private readonly endpoints = new SocketEndpoints(this);
  private recvWaiter: Waiter<Message> | undefined;
  private sendWaiter: (Waiter<void> & { message: Message }) | undefined;
  /** ROUTER: peers by identity key. */
  readonly routes = new Map<string, PipeEnd>();
  /** ROUTER: next automatic identity (ZeroMQ starts it at a random value). */
  autoId = 0;
  /** SUB: this socket's subscriptions (a multiset). */
  readonly subscriptions: Uint8Array[] = [];
  /** REQ: waiting for the reply from this end. REP: the request came from this end. */
  replyEnd: PipeEnd | undefined;
  /** REP: the envelope of the request being answered. */
  envelope: Message | undefined;
  /** Connection bookkeeping for events and for the bound SUB that has not been used yet. */
  readonly watch: SocketWatch;
  private readonly linger = new SocketLinger(this, () => this.shutdown('closed'));

  constructor(
    readonly ctx: NetContext,
    private readonly hostState: HostState,
    readonly type: SocketType,
    options: SocketOptions = {},
  ) {
    this.host = hostState.name;
    this.id = `${this.host}/${type}#${++ctx.socketSeq}`;
    this.sendHighWaterMark = options.sendHighWaterMark === 0 ? Infinity : (options.sendHighWaterMark ?? DEFAULT_HWM);
    this.receiveHighWaterMark = options.receiveHighWaterMark === 0 ? Infinity : (options.receiveHighWaterMark ?? DEFAULT_HWM);
    this.sendTimeoutMs = options.sendTimeoutMs;
    this.receiveTimeoutMs = options.receiveTimeoutMs;
    this.lingerMs = options.lingerMs ?? -1;
    this.mandatory = options.mandatory ?? false;
    this.reconnectIntervalMs = options.reconnectIntervalMs ?? DEFAULT_RECONNECT_MS;
    this.reconnectIntervalMsMax = options.reconnectIntervalMsMax ?? 0;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 0;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs;
    this.maxMessageSize = options.maxMessageSize ?? -1;
    this.routingId = options.routingId === undefined ? undefined : toFrame('routingId', options.routingId);
    if (type === 'router') this.autoId = ctx.random.int(0, 0x7fffffff);
    this.events = new SocketEventsSim(ctx, this.host, this.id, () => this.userClosed);
    this.watch = new SocketWatch(this);
  }

  /** Throws what zeromq.js throws synchronously on a closed socket; false if the host is dead. */
  private usable(op: string): boolean {
    if (this.dead) return false;
    if (this.userClosed) throw netError(`${op}: socket is closed`, 'EBADF');
    return true;
  }

  bind(address: string): Promise<void> {
    if (!this.usable('bind')) return NEVER;
    let endpoint: string;
    try {
      endpoint = this.endpoints.bind(address);
    } catch (error) {
      return Promise.reject(error);
    }
    this.lastEndpoint = endpoint;
    this.ctx.record('bind', this.host, { socket: this.id, address: endpoint });
    this.watch.emit('bind', endpoint);
    return RESOLVED;
  }

  unbind(address: string): Promise<void> {
    if (!this.usable('unbind')) return NEVER;
    if (!this.endpoints.unbind(address)) return Promise.reject(netError(`unbind: socket ${this.id} is not bound to ${JSON.stringify(address)}`, 'ENOENT'));
    this.ctx.record('unbind', this.host, { socket: this.id, address });
    return RESOLVED;
  }

  connect(address: string): void {
    if (!this.usable('connect')) return;
    this.endpoints.connect(address);
    this.lastEndpoint = address;
  }

  disconnect(address: string): void {
    if (this.usable('disconnect')) this.endpoints.disconnect(address);
  }

  connectorOf(end: PipeEnd): Connector | undefined {
    return this.endpoints.connectors.get(end);
  }

  send(message: Sendable): Promise<void> {
    if (!this.usable('send')) return NEVER;
    if (this.sendWaiter) throw netError('send: socket is busy writing; only one send operation may be in progress at any time', 'EBUSY');
    let frames: Message;
    try {
      frames = toMessage('send', message);
      if (canSend(this) && routeOutgoing(this, frames)) {
        this.turnTaken();
        return RESOLVED;
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.sendTimeoutMs === 0) return Promise.reject(netError('send: no peer has room (sendTimeoutMs 0)', 'EAGAIN'));
    return new Promise<void>((resolve, reject) => {
      const waiter = { message: frames, resolve, reject, timer: undefined as ScheduledTask | undefined };
      this.sendWaiter = waiter;
      const timeoutMs = this.sendTimeoutMs;
      if (timeoutMs === undefined) return;
      waiter.timer = this.ctx.kernel.schedule(this.ctx.kernel.now() + timeoutMs, () => {
        if (this.sendWaiter !== waiter) return;
        this.sendWaiter = undefined;
        reject(netError(`send: timed out after ${timeoutMs}ms waiting for a peer with room (sendTimeoutMs)`, 'EAGAIN'));
      }, this.ctx.ownerOf(this.host));
    });
  }

  /**
   * A pipe gained room, a peer attached or the REQ/REP turn changed. The waiting send is
   * retried in an event of this socket's own host (a paused host stays paused).
   */
  onWritable(): void {
    if (this.wakeScheduled || this.closed || (this.sendWaiter === undefined && !this.linger.active)) return;
    this.wakeScheduled = true;
    this.ctx.kernel.schedule(this.ctx.kernel.now(), this.wake, this.ctx.ownerOf(this.host));
  }

  private wakeScheduled = false;
  private readonly wake = (): void => {
    this.wakeScheduled = false;
    if (this.linger.active) return this.linger.check();
    const waiter = this.sendWaiter;
    if (waiter === undefined || this.userClosed || !canSend(this)) return;
    try {
      if (!routeOutgoing(this, waiter.message)) return;
    } catch (error) {
      this.settleSend(waiter);
      waiter.reject(error);
      return;
    }
    this.settleSend(waiter);
    waiter.resolve();
    this.turnTaken();
  };

  private settleSend(waiter: Waiter<void>): void {
    this.sendWaiter = undefined;
    if (waiter.timer) this.ctx.kernel.cancel(waiter.timer);
  }

  /** A send or receive changed whose turn it is (REQ/REP): the other direction may proceed. */
  private turnTaken(): void {
    if (this.type !== 'req' && this.type !== 'rep') return;
    this.fulfilReceive();
    if (this.sendWaiter) this.onWritable();
  }

  receive(): Promise<Message> {
    if (!this.usable('receive')) return NEVER;
    if (this.recvWaiter) throw netError('receive: socket is busy reading; only one receive operation may be in progress at any time', 'EBUSY');
    this.watch.used((end) => onEndAttached(this, end));
    const message = this.inbox.take();
    if (message !== undefined) {
      this.turnTaken();
      return Promise.resolve(message);
    }
    if (this.inbox.discardedOnly) return Promise.reject(this.inbox.discardedError());
    if (this.receiveTimeoutMs === 0) return Promise.reject(netError('receive: no message available (receiveTimeoutMs 0)', 'EAGAIN'));
    return new Promise<Message>((resolve, reject) => {
      const waiter: Waiter<Message> = { resolve, reject, timer: undefined };
      this.recvWaiter = waiter;
      const timeoutMs = this.receiveTimeoutMs;
      if (timeoutMs === undefined) return;
      waiter.timer = this.ctx.kernel.schedule(this.ctx.kernel.now() + timeoutMs, () => {
        if (this.recvWaiter !== waiter) return;
        this.recvWaiter = undefined;
        reject(netError(`receive: timed out after ${timeoutMs}ms (receiveTimeoutMs)`, 'EAGAIN'));
      }, this.ctx.ownerOf(this.host));
    });
  }

  get receiving(): boolean {
    return this.recvWaiter !== undefined;
  }

  private fulfilReceive(): void {
    const waiter = this.recvWaiter;
    if (waiter === undefined) return;
    const message = this.inbox.take();
    if (message === undefined && !this.inbox.discardedOnly) return;
    this.recvWaiter = undefined;
    if (waiter.timer) this.ctx.kernel.cancel(waiter.timer);
    if (message === undefined) return waiter.reject(this.inbox.discardedError());
    waiter.resolve(message);
    this.turnTaken();
  }

  /** A channel moved `message` into this socket's queue (checked again at read if not given). */
  onArrival(channel: Channel, message?: Message): void {
    if (this.type === 'pub') {
      let next: Message | undefined;
      while ((next = channel.take()) !== undefined) applySubscription(channel.to as PipeEnd, next);
      return;
    }
    // Inside a take the message is queued only: the take under way reads on through the queue.
    if (this.inbox.admit(channel, message) && !this.inbox.taking) this.fulfilReceive();
  }

  subscribe(prefix: string | Uint8Array = ''): void {
    if (!this.usable('subscribe')) return;
    if (this.type !== 'sub') throw netError(`subscribe: not supported on a ${this.type} socket (only sub)`, 'ENOTSUP');
    changeSubscription(this, true, toFrame('subscribe: prefix', prefix));
  }

  unsubscribe(prefix: string | Uint8Array = ''): void {
    if (!this.usable('unsubscribe')) return;
    if (this.type !== 'sub') throw netError(`unsubscribe: not supported on a ${this.type} socket (only sub)`, 'ENOTSUP');
    changeSubscription(this, false, toFrame('unsubscribe: prefix', prefix));
  }

  /** The user closes it: waiting calls reject (EAGAIN, as zeromq.js), listeners close, queued messages linger. */
  close(): void {
    if (this.userClosed) return;
    this.userClosed = true;
    const recv = this.recvWaiter;
    const send = this.sendWaiter;
    for (const waiter of [recv, send]) if (waiter?.timer) this.ctx.kernel.cancel(waiter.timer);
    this.recvWaiter = undefined;
    this.sendWaiter = undefined;
    // Listening stops now; connections already accepted linger like the others.
    this.endpoints.stopListening();
    this.watch.emit('end', '');
    if (recv) recv.reject(netError('receive: socket was closed while waiting', 'EAGAIN'));
    if (send) send.reject(netError('send: socket was closed while waiting', 'EAGAIN'));
    this.linger.start(this.lingerMs);
  }

  isInproc(end: PipeEnd): boolean {
    return (this.connectorOf(end)?.address ?? end.binding?.address ?? '').startsWith('inproc://');
  }

  /** Ends a connector and its pipe (a lingering socket's drained pipe). */
  dropConnector(connector: Connector): void {
    this.endpoints.dropConnector(connector, 'closed', false);
  }

  /** The host crashed: tear down like close, but settle nothing. */
  kill(): void {
    if (this.closed) return;
    this.dead = true;
    this.userClosed = true;
    this.events.kill();
    this.shutdown('crash');
  }

  private shutdown(reason: 'closed' | 'crash'): void {
    if (this.closed) return;
    this.closed = true;
    this.userClosed = true;
    this.linger.stop();
    for (const waiter of [this.recvWaiter, this.sendWaiter]) if (waiter?.timer) this.ctx.kernel.cancel(waiter.timer);
    this.recvWaiter = undefined;
    this.sendWaiter = undefined;
    this.endpoints.shutdown(reason);
    for (const end of [...this.ends]) teardown(this.ctx, end, reason);
    this.inbox.clear();
    this.hostState.sockets.delete(this);
    this.ctx.record('close', this.host, { socket: this.id, reason });
  }

  addEnd(end: PipeEnd, attached: boolean): void {
    this.ends.push(end);
    if (attached) this.attached(end);
  }

  /** A pipe end completed its handshake. */
  attached(end: PipeEnd): void {
    this.watch.attached(end);
    if (!this.watch.deferAttach(end)) onEndAttached(this, end);
    this.onWritable();
  }

  /** A pipe end lost its peer but stays (the connecting side reconnects). */
  detached(end: PipeEnd): void {
    this.watch.detached(end, true);
    onEndDetached(this, end);
  }

  removeEnd(end: PipeEnd): void {
    const i = this.ends.indexOf(end);
    if (i < 0) return;
    this.watch.detached(end, false);
    this.ends.splice(i, 1);
    if (this.rr > i) this.rr--;
    if (this.rr >= this.ends.length) this.rr = 0;
    end.removed = true;
    onEndDetached(this, end);
  }

  /** ROUTER: the identity a new peer gets; false if it is taken (ZeroMQ refuses the peer). */
  identify(end: PipeEnd, peer: SocketSim): boolean {
    return identifyPeer(this, end, peer);
  }
}
