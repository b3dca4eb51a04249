// A simulated ZeroMQ socket: the Socket interface (zeromq.js v6 behaviour: EBUSY for a
// second concurrent send/receive, EBADF after close, EAGAIN on timeout), its pipe ends,
// the fair queue of channels with arrived messages, and the waiting send/receive. What a
// socket kind does with an outgoing or incoming message lives in socket-kinds.ts.

import type { ScheduledTask } from '../../core/scheduler.js';
import type { Message, Sendable, Socket, SocketOptions, SocketType } from '../../core/transport.js';
import { parseZmqAddress, endpointKey } from './address.js';
import type { Channel } from './channel.js';
import { FairQueue } from './fair-queue.js';
import { toFrame, toMessage } from './frames.js';
import type { HostState, NetContext } from './net-context.js';
import { netError } from './net-error.js';
import { acceptIncoming, routeOutgoing, identifyPeer, onEndAttached, onEndDetached, applySubscription, changeSubscription } from './socket-kinds.js';
import { addBinding, addConnector, closeConnector, removeBinding, resolveHost, teardown, type Binding, type Connector, type PipeEnd } from './wiring.js';

export const RESOLVED: Promise<void> = Promise.resolve();
/** What a crashed process's calls return: a dead process never sees anything settle. */
const NEVER = new Promise<never>(() => {});
const DEFAULT_HWM = 1000;

interface ReceiveWaiter {
  resolve(message: Message): void;
  reject(error: unknown): void;
  timer: ScheduledTask | undefined;
}

interface SendWaiter {
  message: Message;
  resolve(): void;
  reject(error: unknown): void;
  timer: ScheduledTask | undefined;
}

export class SocketSim implements Socket {
  readonly id: string;
  readonly host: string;
  closed = false;
  /** Its host crashed: nothing it started ever settles. */
  dead = false;
  readonly sendHighWaterMark: number;
  readonly receiveHighWaterMark: number;
  readonly routingId: Uint8Array | undefined;
  private readonly sendTimeoutMs: number | undefined;
  private readonly receiveTimeoutMs: number | undefined;
  /** Attached (and, on the connecting side, still connecting) pipe ends, in round-robin order. */
  readonly ends: PipeEnd[] = [];
  rr = 0;
  private ready = new FairQueue();
  private readonly bindings = new Map<string, Binding>();
  private readonly connectors = new Map<PipeEnd, Connector>();
  private recvWaiter: ReceiveWaiter | undefined;
  private sendWaiter: SendWaiter | undefined;
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
    this.routingId = options.routingId === undefined ? undefined : toFrame('routingId', options.routingId);
    if (type === 'router') this.autoId = ctx.random.int(0, 0x7fffffff);
  }

  private closedError(op: string): Promise<never> {
    return this.dead ? NEVER : Promise.reject(netError(`${op}: socket is closed`, 'EBADF'));
  }

  private throwIfClosed(op: string): void {
    if (this.closed) throw netError(`${op}: socket is closed`, 'EBADF');
  }

  bind(address: string): Promise<void> {
    if (this.closed) return this.closedError('bind');
    try {
      const parsed = parseZmqAddress('bind', address);
      const host = resolveHost(this.ctx, 'bind', this.host, parsed, address);
      this.bindings.set(address, addBinding(this.ctx, this, host, parsed, address));
    } catch (error) {
      return Promise.reject(error);
    }
    this.ctx.record('bind', this.host, { socket: this.id, address });
    return RESOLVED;
  }

  unbind(address: string): Promise<void> {
    if (this.closed) return this.closedError('unbind');
    const binding = this.bindings.get(address);
    if (!binding) return Promise.reject(netError(`unbind: socket ${this.id} is not bound to ${JSON.stringify(address)}`, 'ENOENT'));
    this.bindings.delete(address);
    removeBinding(this.ctx, binding, 'closed');
    this.ctx.record('unbind', this.host, { socket: this.id, address });
    return RESOLVED;
  }

  connect(address: string): void {
    this.throwIfClosed('connect');
    const parsed = parseZmqAddress('connect', address);
    const target = resolveHost(this.ctx, 'connect', this.host, parsed, address);
    const connector = addConnector(this.ctx, this, address, endpointKey(target, parsed), target);
    this.connectors.set(connector.end, connector);
  }

  disconnect(address: string): void {
    this.throwIfClosed('disconnect');
    let found = false;
    for (const connector of [...this.connectors.values()]) {
      if (connector.address !== address) continue;
      found = true;
      this.connectors.delete(connector.end);
      closeConnector(this.ctx, connector, 'closed');
    }
    if (!found) throw netError(`disconnect: socket ${this.id} is not connected to ${JSON.stringify(address)}`, 'ENOENT');
  }

  connectorOf(end: PipeEnd): Connector | undefined {
    return this.connectors.get(end);
  }

  send(message: Sendable): Promise<void> {
    if (this.closed) return this.closedError('send');
    if (this.sendWaiter) return Promise.reject(netError('send: socket is busy writing; only one send operation may be in progress at any time', 'EBUSY'));
    let frames: Message;
    try {
      this.checkSendState();
      frames = toMessage('send', message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (routeOutgoing(this, frames)) return RESOLVED;
    if (this.sendTimeoutMs === 0) return Promise.reject(netError(`send: no peer has room (sendTimeoutMs 0)`, 'EAGAIN'));
    return new Promise<void>((resolve, reject) => {
      const waiter: SendWaiter = { message: frames, resolve, reject, timer: undefined };
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

  private checkSendState(): void {
    if (this.type === 'pull' || this.type === 'sub') throw netError(`send: not supported on a ${this.type} socket`, 'ENOTSUP');
    if (this.type === 'req' && this.replyEnd) throw netError('send: a req socket must receive the reply to its request before sending another', 'EFSM');
    if (this.type === 'rep' && !this.envelope) throw netError('send: a rep socket must receive a request before sending a reply', 'EFSM');
  }

  /**
   * A pipe gained room or a peer attached. The waiting send is retried in an event of this
   * socket's own host, never inside another host's event (a paused host stays paused).
   */
  onWritable(): void {
    if (this.sendWaiter === undefined || this.wakeScheduled || this.closed) return;
    this.wakeScheduled = true;
    this.ctx.kernel.schedule(this.ctx.kernel.now(), this.wake, this.ctx.ownerOf(this.host));
  }

  private wakeScheduled = false;
  private readonly wake = (): void => {
    this.wakeScheduled = false;
    this.retrySend();
  };

  private retrySend(): void {
    const waiter = this.sendWaiter;
    if (waiter === undefined || this.closed) return;
    if (!routeOutgoing(this, waiter.message)) return;
    this.sendWaiter = undefined;
    if (waiter.timer) this.ctx.kernel.cancel(waiter.timer);
    waiter.resolve();
  }

  receive(): Promise<Message> {
    if (this.closed) return this.closedError('receive');
    if (this.recvWaiter) return Promise.reject(netError('receive: socket is busy reading; only one receive operation may be in progress at any time', 'EBUSY'));
    if (this.type === 'push' || this.type === 'pub') return Promise.reject(netError(`receive: not supported on a ${this.type} socket`, 'ENOTSUP'));
    if (this.type === 'req' && !this.replyEnd) return Promise.reject(netError('receive: a req socket must send a request before receiving', 'EFSM'));
    if (this.type === 'rep' && this.envelope) return Promise.reject(netError('receive: a rep socket must send its reply before receiving the next request', 'EFSM'));
    const message = this.takeNext();
    if (message !== undefined) return Promise.resolve(message);
    if (this.receiveTimeoutMs === 0) return Promise.reject(netError('receive: no message available (receiveTimeoutMs 0)', 'EAGAIN'));
    return new Promise<Message>((resolve, reject) => {
      const waiter: ReceiveWaiter = { resolve, reject, timer: undefined };
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

  private takeNext(): Message | undefined {
    let message: Message | undefined;
    while ((message = this.ready.next()) !== undefined) {
      const accepted = acceptIncoming(this, this.ready.lastChannel as Channel, message);
      if (accepted !== undefined) return accepted;
    }
    return undefined;
  }

  /** A channel moved a message into this socket's queue. */
  onArrival(channel: Channel): void {
    if (this.type === 'pub') {
      let message: Message | undefined;
      while ((message = channel.take()) !== undefined) applySubscription(channel.to as PipeEnd, message);
      return;
    }
    this.ready.add(channel);
    const waiter = this.recvWaiter;
    if (waiter === undefined) return;
    const message = this.takeNext();
    if (message === undefined) return;
    this.recvWaiter = undefined;
    if (waiter.timer) this.ctx.kernel.cancel(waiter.timer);
    waiter.resolve(message);
  }

  subscribe(prefix: string | Uint8Array = ''): void {
    this.throwIfClosed('subscribe');
    if (this.type !== 'sub') throw netError(`subscribe: not supported on a ${this.type} socket (only sub)`, 'ENOTSUP');
    changeSubscription(this, true, toFrame('subscribe: prefix', prefix));
  }

  unsubscribe(prefix: string | Uint8Array = ''): void {
    this.throwIfClosed('unsubscribe');
    if (this.type !== 'sub') throw netError(`unsubscribe: not supported on a ${this.type} socket (only sub)`, 'ENOTSUP');
    changeSubscription(this, false, toFrame('unsubscribe: prefix', prefix));
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    const done = { done: true as const, value: undefined };
    return {
      next: () => {
        if (this.closed) return this.dead ? NEVER : Promise.resolve(done);
        return this.receive().then(
          (value) => ({ done: false, value }),
          (error: unknown) => {
            if (this.closed) return done;
            throw error;
          },
        );
      },
    };
  }

  close(): void {
    if (this.closed) return;
    const recv = this.recvWaiter;
    const send = this.sendWaiter;
    this.shutdown('closed');
    if (recv) recv.reject(netError('receive: socket was closed while waiting', 'EAGAIN'));
    if (send) send.reject(netError('send: socket was closed while waiting', 'EAGAIN'));
  }

  /** The host crashed: tear down like close, but settle nothing. */
  kill(): void {
    if (this.closed) return;
    this.dead = true;
    this.shutdown('crash');
  }

  private shutdown(reason: 'closed' | 'crash'): void {
    this.closed = true;
    for (const waiter of [this.recvWaiter, this.sendWaiter]) if (waiter?.timer) this.ctx.kernel.cancel(waiter.timer);
    this.recvWaiter = undefined;
    this.sendWaiter = undefined;
    for (const binding of this.bindings.values()) removeBinding(this.ctx, binding, reason);
    this.bindings.clear();
    for (const connector of this.connectors.values()) closeConnector(this.ctx, connector, reason);
    this.connectors.clear();
    for (const end of [...this.ends]) teardown(this.ctx, end, reason);
    this.ready = new FairQueue();
    this.hostState.sockets.delete(this);
    this.ctx.record('close', this.host, { socket: this.id, reason });
  }

  addEnd(end: PipeEnd, attached: boolean): void {
    this.ends.push(end);
    if (attached) this.attached(end);
  }

  /** A pipe end completed its handshake. */
  attached(end: PipeEnd): void {
    onEndAttached(this, end);
    this.onWritable();
  }

  /** A pipe end lost its peer but stays (the connecting side reconnects). */
  detached(end: PipeEnd): void {
    onEndDetached(this, end);
  }

  removeEnd(end: PipeEnd): void {
    const i = this.ends.indexOf(end);
    if (i < 0) return;
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
