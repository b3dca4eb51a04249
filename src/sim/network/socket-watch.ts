// What a simulated socket reports about its connections, at the moments zeromq.js reports
// them (measured against the real library, see test/contract/transport/events.contract.test.ts):
// connect side connect:delay (tcp), connect, handshake; bind side accept, handshake; the side
// that stays reports disconnect (and, connecting, connect:retry); inproc reports nothing. It
// also holds back what a bound SUB does with a new connection until the socket is used (a
// receive), as libzmq processes the new pipe only then: until that, its subscriptions are not sent.

import type { SocketEventType } from '../../core/transport.js';
import type { ScheduledTask } from '../../core/scheduler.js';
import type { SocketSim } from './socket-sim.js';
import type { Connector, PipeEnd } from './pipe-end.js';

/** The connection layer's reconnect schedule of a connector (reconnect.ts), when it has one. */
interface TrySchedule {
  nextTryMs: number;
  failed(): void;
}

function scheduleOf(connector: Connector): TrySchedule | undefined {
  return (connector as { schedule?: TrySchedule }).schedule;
}

export class SocketWatch {
  /** When each connector's last failed try was reported (one report per try). */
  private readonly lastTryMs = new WeakMap<Connector, number>();
  /** Connectors to nowhere whose tries are being played out because someone observes events. */
  private readonly following = new Map<Connector, ScheduledTask>();
  /** Ends whose handshake completed and that have not lost their peer since. */
  private readonly up = new WeakSet<PipeEnd>();
  /** Connecting ends whose current attempt already reported connect:delay. */
  private readonly delayed = new WeakSet<PipeEnd>();
  /** Bound SUB: ends attached while the socket was not in use. */
  private readonly deferred = new Set<PipeEnd>();
  private quietDepth = 0;

  constructor(private readonly socket: SocketSim) {}

  emit(type: SocketEventType, address: string, fields: { intervalMs?: number } = {}): void {
    if (address.startsWith('inproc://')) return;
    this.socket.events.emit(type, address, fields);
  }

  /** Runs `action` without reporting the disconnects it causes (our own unbind or disconnect). */
  quiet(action: () => void): void {
    this.quietDepth++;
    try {
      action();
    } finally {
      this.quietDepth--;
    }
  }

  /** connect() was called: tcp reports the attempt in progress, or, with nobody bound, the failed try and the retry. */
  connecting(connector: Connector): void {
    const tcp = connector.address.startsWith('tcp://');
    if (connector.state === 'waiting') return this.failedAttempt(connector);
    if (tcp) {
      this.emit('connect:delay', connector.address);
      this.delayed.add(connector.end);
    }
  }

  /**
   * A try found nobody (called at connect() and by the connection layer at each failed try):
   * (tcp) connect:delay, the failed descriptor's close, then connect:retry with the wait until
   * the next try. The connection layer plays tries lazily (none while nobody binds); while
   * someone observes this socket's events, the watch plays them out so each one is reported.
   */
  failedAttempt(connector: Connector): void {
    const ctx = this.socket.ctx;
    const nowMs = ctx.kernel.now();
    if (this.lastTryMs.get(connector) === nowMs) return;
    this.lastTryMs.set(connector, nowMs);
    const schedule = scheduleOf(connector);
    const intervalMs = schedule && schedule.nextTryMs > nowMs ? schedule.nextTryMs - nowMs : this.socket.reconnectIntervalMs;
    if (connector.address.startsWith('tcp://')) this.emit('connect:delay', connector.address);
    this.emit('close', connector.address);
    this.emit('connect:retry', connector.address, { intervalMs });
    this.delayed.delete(connector.end);
    if (schedule) this.follow(connector, schedule);
  }

  private follow(connector: Connector, schedule: TrySchedule): void {
    const ctx = this.socket.ctx;
    if (this.following.has(connector) || !this.socket.events.observing || this.socket.userClosed) return;
    const step = (): void => {
      this.following.delete(connector);
      // Stop once connected, closed, or the endpoint is there (the layer's own try connects).
      if (connector.state !== 'waiting' || this.socket.userClosed || ctx.bindings.has(connector.key)) return;
      if (ctx.kernel.now() >= schedule.nextTryMs) schedule.failed();
      this.failedAttempt(connector);
      this.follow(connector, schedule);
    };
    this.following.set(connector, ctx.kernel.schedule(schedule.nextTryMs, step, ctx.ownerOf(this.socket.host)));
  }

  /** The connector is gone (disconnect, close): stop playing out its tries. */
  forget(connector: Connector): void {
    const task = this.following.get(connector);
    if (task) this.socket.ctx.kernel.cancel(task);
    this.following.delete(connector);
  }

  attached(end: PipeEnd): void {
    this.up.add(end);
    const connector = this.socket.connectorOf(end);
    if (connector) {
      if (connector.address.startsWith('tcp://') && !this.delayed.has(end)) this.emit('connect:delay', connector.address);
      this.delayed.delete(end);
      this.emit('connect', connector.address);
      this.emit('handshake', connector.address);
    } else if (end.binding) {
      this.emit('accept', end.binding.address);
      this.emit('handshake', end.binding.address);
    }
  }

  /**
   * A connection that never became a pipe: refused after the handshake (a duplicate routing id:
   * `handshake`, nothing after) or in it (incompatible socket types: `disconnect`, no retry).
   */
  handshakeOnly(address: string, connecting: boolean, end: PipeEnd | undefined, outcome: 'handshake' | 'disconnect'): void {
    if (connecting) {
      if (address.startsWith('tcp://') && !(end && this.delayed.has(end))) this.emit('connect:delay', address);
      if (end) this.delayed.delete(end);
      this.emit('connect', address);
    } else this.emit('accept', address);
    this.emit(outcome, address);
  }

  /** The end lost its peer; `survives` on the connecting side, which then retries. */
  detached(end: PipeEnd, survives: boolean): void {
    this.deferred.delete(end);
    if (!this.up.has(end)) return;
    this.up.delete(end);
    if (this.socket.userClosed || this.quietDepth > 0) return;
    const connector = this.socket.connectorOf(end);
    const address = connector?.address ?? end.binding?.address ?? '';
    this.emit('disconnect', address);
    if (!survives || !connector) return;
    // The connection layer restarts the connector's schedule right after this: report the
    // retry with its interval once that is known, in an event of this host at the same time.
    const ctx = this.socket.ctx;
    const nowMs = ctx.kernel.now();
    ctx.kernel.schedule(nowMs, () => {
      if (this.socket.userClosed || connector.state === 'closed') return;
      const schedule = scheduleOf(connector);
      const intervalMs = schedule && schedule.nextTryMs > nowMs ? schedule.nextTryMs - nowMs : this.socket.reconnectIntervalMs;
      this.lastTryMs.set(connector, nowMs);
      this.emit('connect:retry', address, { intervalMs });
      if (schedule && connector.state === 'waiting') this.follow(connector, schedule);
    }, ctx.ownerOf(this.socket.host));
  }

  /** True if the bound SUB must not act on this new end yet (nobody is receiving). */
  deferAttach(end: PipeEnd): boolean {
    if (this.socket.type !== 'sub' || !end.binding || this.socket.receiving) return false;
    this.deferred.add(end);
    return true;
  }

  isDeferred(end: PipeEnd): boolean {
    return this.deferred.has(end);
  }

  /** The socket is used (a receive): ends held back are taken in now, sending the subscriptions. */
  used(onAttach: (end: PipeEnd) => void): void {
    if (this.deferred.size === 0) return;
    const ends = [...this.deferred];
    this.deferred.clear();
    for (const end of ends) if (end.peer && !end.removed) onAttach(end);
  }
}
