// When a connecting socket tries again, as libzmq 4.3 decides it
// (stream_connecter_base_t::get_new_reconnect_ivl): each wait is the current interval plus a
// random jitter in [0, reconnectIntervalMs), and the current interval doubles after each try up
// to reconnectIntervalMsMax when that is set above reconnectIntervalMs (no backoff otherwise).
// The first try is at connect() itself; after a connection breaks, the first try waits.
// Tries are computed lazily: a connector that finds nobody bound schedules nothing, and when
// the endpoint appears its next try is found by walking the schedule forward, so a connect to
// an address no one serves costs no events (and a run with nothing else to do still ends).

import type { RandomPort } from '../../core/ports.js';
import type { NetContext } from './net-context.js';
import type { SocketSim } from './socket-sim.js';
import type { Connector } from './pipe-end.js';

/** Starts a connection attempt now (wiring.ts's startHandshake). */
type Start = (ctx: NetContext, connector: Connector) => void;

export interface ReconnectOptions {
  reconnectIntervalMs: number;
  reconnectIntervalMsMax: number;
}

/** libzmq's defaults: ZMQ_RECONNECT_IVL 100 ms, ZMQ_RECONNECT_IVL_MAX 0 (no backoff). */
export const RECONNECT_INTERVAL_MS = 100;

export class ReconnectSchedule {
  /** Virtual time of the next try. */
  nextTryMs: number;
  private currentMs: number;

  constructor(
    private readonly options: ReconnectOptions,
    private readonly random: RandomPort,
    firstTryMs: number,
  ) {
    this.currentMs = this.base;
    this.nextTryMs = firstTryMs;
  }

  private get base(): number {
    return this.options.reconnectIntervalMs; // >= 1: checkSocketOptions refuses 0, as libzmq would divide by it
  }

  /** The wait before the try after this one (draws the jitter, advances the backoff). */
  private nextInterval(): number {
    const base = this.base;
    const interval = this.currentMs + this.random.int(0, base - 1);
    const max = this.options.reconnectIntervalMsMax;
    if (max > base) this.currentMs = Math.min(this.currentMs * 2, max);
    return interval;
  }

  /** The try at nextTryMs failed (nobody bound, connection refused): the next one is later. */
  failed(): void {
    this.nextTryMs += this.nextInterval();
  }

  /** The first try at or after `nowMs` (tries before it found nobody). */
  catchUp(nowMs: number): number {
    // A bound on the walk: without backoff one step per interval, so hours of virtual time
    // are tens of thousands of cheap steps; the guard only protects against a zero interval.
    for (let steps = 0; this.nextTryMs < nowMs && steps < 10_000_000; steps++) this.failed();
    return this.nextTryMs;
  }

  /** A connection broke: start over from the base interval, first try one interval from now. */
  restart(nowMs: number): number {
    this.currentMs = this.base;
    this.nextTryMs = nowMs;
    this.failed();
    return this.nextTryMs;
  }
}

/** A try found nobody: the connector waits for the endpoint; its tries go on (lazily) meanwhile. */
export function wait(ctx: NetContext, connector: Connector): void {
  connector.state = 'waiting';
  if (!connector.address.startsWith('inproc://')) {
    connector.schedule ??= newSchedule(ctx, connector);
    connector.schedule.failed();
  }
  let set = ctx.waiting.get(connector.key);
  if (!set) ctx.waiting.set(connector.key, (set = new Set()));
  set.add(connector);
}

/** The endpoint appeared: inproc connects at once; tcp and ipc at the connector's next try. */
export function tryAtNextChance(ctx: NetContext, connector: Connector, start: Start): void {
  if (connector.schedule === undefined) return start(ctx, connector);
  scheduleTry(ctx, connector, connector.schedule.catchUp(ctx.kernel.now()), start);
}

/** A connection of this connector broke: the first try is one reconnect interval away (inproc: at once). */
export function reconnectLater(ctx: NetContext, connector: Connector, start: Start): void {
  if (connector.address.startsWith('inproc://')) return start(ctx, connector);
  connector.schedule ??= newSchedule(ctx, connector);
  scheduleTry(ctx, connector, connector.schedule.restart(ctx.kernel.now()), start);
}

/** Tries again at `atMs`, in an event of the connecting host (a crash drops it with the socket). */
function scheduleTry(ctx: NetContext, connector: Connector, atMs: number, start: Start): void {
  connector.state = 'waiting';
  const attempt = ++connector.attempt;
  scheduleStep(ctx, connector, atMs, () => {
    if (connector.attempt === attempt && connector.state === 'waiting') start(ctx, connector);
  });
}

/**
 * Schedules the connector's next step in an event of its host (a crash drops it with the
 * socket), replacing the one before: each step bumps `attempt`, so only the latest can act,
 * and closeConnector cancels it, so a closed socket leaves no try behind.
 */
export function scheduleStep(ctx: NetContext, connector: Connector, atMs: number, step: () => void, owner: unknown = ctx.ownerOf(connector.socket.host)): void {
  if (connector.task) ctx.kernel.cancel(connector.task);
  const task = ctx.kernel.schedule(atMs, () => {
    if (connector.task === task) connector.task = undefined;
    step();
  }, owner);
  connector.task = task;
}

/**
 * A connector's schedule draws its jitter from a stream of its own: tries are played out lazily,
 * or one by one while someone observes the socket's events (socket-watch.ts), and either way
 * must leave the numbers the rest of the network draws (latencies, identities) as they were.
 */
function newSchedule(ctx: NetContext, connector: Connector): ReconnectSchedule {
  const random = ctx.random.fork(`reconnect ${connector.socket.id} ${connector.address} #${++ctx.scheduleSeq}`);
  return new ReconnectSchedule(reconnectOptionsOf(connector.socket), random, ctx.kernel.now());
}

function reconnectOptionsOf(socket: SocketSim): ReconnectOptions {
  return { reconnectIntervalMs: socket.reconnectIntervalMs ?? RECONNECT_INTERVAL_MS, reconnectIntervalMsMax: socket.reconnectIntervalMsMax ?? 0 };
}

/**
 * Linux resends an unanswered SYN 1, 3, 7, 15, 31 and 63s after the first (tcp_syn_retries 6,
 * doubling from 1s) and gives up at 127s; libzmq sets no connect timeout, so a connect begun
 * during a partition completes at the first resend after the heal, and one begun over 127s ago
 * failed and tries afresh.
 */
export const SYN_RETRIES_MS: readonly number[] = [1000, 3000, 7000, 15_000, 31_000, 63_000];
export const SYN_GIVE_UP_MS = 127_000;

/** After repair: connects that a partition blocked complete at TCP's next SYN resend (those another partition still cuts stay blocked). */
export function retryBlockedConnects(ctx: NetContext, start: Start): void {
  const now = ctx.kernel.now();
  for (const connector of [...ctx.partitionBlocked]) {
    const links = ctx.links;
    if (links.current(links.link(connector.socket.host, connector.targetHost)).partitioned || links.current(links.link(connector.targetHost, connector.socket.host)).partitioned) continue;
    ctx.partitionBlocked.delete(connector);
    const firstMs = connector.synSentMs ?? now;
    const resendMs = SYN_RETRIES_MS.map((ms) => firstMs + ms).find((t) => t >= now);
    if (resendMs === undefined) connector.synSentMs = undefined;
    const attempt = ++connector.attempt;
    scheduleStep(ctx, connector, resendMs ?? Math.max(now, firstMs + SYN_GIVE_UP_MS), () => {
      if (connector.attempt === attempt && connector.state === 'waiting') start(ctx, connector);
    });
  }
}
