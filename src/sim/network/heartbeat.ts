// ZMTP heartbeats (libzmq's ZMQ_HEARTBEAT_IVL / ZMQ_HEARTBEAT_TIMEOUT, off by default): a side
// with heartbeats on sends a PING every heartbeatIntervalMs from the handshake on, and when it
// sends one it starts a heartbeatTimeoutMs timer that anything heard from the peer cancels. So
// a connection breaks only while the direction toward a heartbeating side is stalled (a
// partition or a hold) or its peer is frozen (a pause: the kernel still takes the data, but
// nothing answers the PING; measured with a SIGSTOPped process, heartbeat.contract.test.ts):
// at the first PING at or after the stall began, plus the timeout. A
// stall that heals before then leaves the connection alive, and everything queued on it
// arrives late. (A PING already sent when the stall began is ignored: its PONG is taken to
// have arrived; the difference is at most one interval.)
//
// Nothing is scheduled per PING: the watch acts only when links change (partition, repair,
// hold, release), on the connections whose sockets enabled heartbeats.

import type { ScheduledTask } from '../../core/scheduler.js';
import type { NetContext } from './net-context.js';
import type { PipeEnd } from './pipe-end.js';

export interface HeartbeatOptions {
  /** 0 = off. */
  heartbeatIntervalMs: number;
  /** Default: heartbeatIntervalMs. */
  heartbeatTimeoutMs: number;
}

/** One side of a watched connection: the end whose socket may detect the stall toward it. */
interface Side {
  end: PipeEnd;
  intervalMs: number;
  timeoutMs: number;
  stallSinceMs: number | undefined;
  task: ScheduledTask | undefined;
}

export class Liveness {
  private readonly sides: Side[] = [];
  dead = false;

  constructor(
    private readonly ctx: NetContext,
    readonly upAtMs: number,
    a: PipeEnd,
    b: PipeEnd,
    private readonly onExpired: (end: PipeEnd) => void,
  ) {
    for (const end of [a, b]) {
      const o = heartbeatOptionsOf(end.socket);
      if (o.heartbeatIntervalMs > 0) this.sides.push({ end, intervalMs: o.heartbeatIntervalMs, timeoutMs: o.heartbeatTimeoutMs, stallSinceMs: undefined, task: undefined });
    }
  }

  get watched(): boolean {
    return this.sides.length > 0;
  }

  /** When the side's socket sends its first PING at or after `sinceMs`. */
  private nextPingMs(side: Side, sinceMs: number): number {
    const k = Math.max(1, Math.ceil((sinceMs - this.upAtMs) / side.intervalMs));
    return this.upAtMs + k * side.intervalMs;
  }

  /** Links changed: start or stop the clock of each side whose incoming direction (peer -> side) stalled or flowed again. */
  check(): void {
    if (this.dead) return;
    const ctx = this.ctx;
    const now = ctx.kernel.now();
    for (const side of this.sides) {
      const peer = side.end.peer;
      if (!peer) continue;
      const link = ctx.links.current(ctx.links.link(peer.socket.host, side.end.socket.host));
      const stalled = link.partitioned || link.held || (ctx.frozenUntilMs.get(peer.socket.host) ?? -Infinity) > now;
      if (stalled && side.stallSinceMs === undefined) {
        side.stallSinceMs = now;
        const breakAtMs = this.nextPingMs(side, now) + side.timeoutMs;
        side.task = ctx.kernel.schedule(breakAtMs, () => this.expire(side), ctx.ownerOf(side.end.socket.host));
      } else if (!stalled && side.stallSinceMs !== undefined) {
        side.stallSinceMs = undefined;
        if (side.task) ctx.kernel.cancel(side.task);
        side.task = undefined;
      }
    }
  }

  private expire(side: Side): void {
    side.task = undefined;
    if (this.dead || side.stallSinceMs === undefined) return;
    this.ctx.record('heartbeat-expired', side.end.socket.host, { socket: side.end.socket.id, stalledSinceMs: side.stallSinceMs });
    this.onExpired(side.end);
  }

  /** The connection is gone: no clock may fire. */
  stop(): void {
    this.dead = true;
    for (const side of this.sides) if (side.task) this.ctx.kernel.cancel(side.task);
  }
}

/** A socket's heartbeat settings (the simulated socket keeps what SocketOptions gave). */
export function heartbeatOptionsOf(socket: object): HeartbeatOptions {
  const s = socket as { heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number };
  const heartbeatIntervalMs = s.heartbeatIntervalMs ?? 0;
  return { heartbeatIntervalMs, heartbeatTimeoutMs: s.heartbeatTimeoutMs ?? heartbeatIntervalMs };
}

/** Heartbeats on either side: watch the connection for stalls longer than the timeout. */
export function watchLiveness(ctx: NetContext, near: PipeEnd, far: PipeEnd, onExpired: (end: PipeEnd) => void): void {
  const liveness = new Liveness(ctx, ctx.kernel.now(), near, far, onExpired);
  if (!liveness.watched) return;
  near.liveness = far.liveness = liveness;
  ctx.liveness.add(liveness);
  liveness.check();
}

/** The connection of `end` is going: its heartbeat clocks stop. */
export function unwatch(ctx: NetContext, end: PipeEnd): void {
  const liveness = end.liveness;
  if (!liveness) return;
  liveness.stop();
  ctx.liveness.delete(liveness);
  end.liveness = undefined;
  if (end.peer) end.peer.liveness = undefined;
}

/** Links changed (partition, repair, hold, release) or a host froze or thawed: heartbeat clocks start or stop. */
export function linksChanged(ctx: NetContext): void {
  for (const liveness of [...ctx.liveness]) liveness.check();
}

/** A host is frozen until `untilMs` (a pause): its peers' heartbeats hear nothing from it meanwhile. */
export function freezeHost(ctx: NetContext, host: string, untilMs: number, owner: unknown): void {
  if (untilMs <= (ctx.frozenUntilMs.get(host) ?? -Infinity)) return;
  ctx.frozenUntilMs.set(host, untilMs);
  linksChanged(ctx);
  ctx.kernel.schedule(untilMs, () => {
    if (ctx.frozenUntilMs.get(host) !== untilMs) return;
    ctx.frozenUntilMs.delete(host);
    linksChanged(ctx);
  }, owner);
}
