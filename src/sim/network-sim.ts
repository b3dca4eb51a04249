// The simulated network: every host's transport, with ZeroMQ socket semantics and HTTP
// over links that have latency, partitions and holds (which stall connections, as TCP does),
// broken connections (crash, disconnect, heartbeats) and, on links declared lossy, per-message
// loss, duplication and reordering.
// Everything random comes from the injected RandomPort; delivery events are kernel tasks
// owned by the receiving host (`ownerOf`), so pausing a host also defers its deliveries.

import type { RandomPort } from '../core/ports.js';
import type { TransportPort } from '../core/transport.js';
import { checkNonEmptyString, checkOptions, describe } from '../core/validate.js';
import type { SimKernel } from './sim-kernel.js';
import type { Trace } from './trace.js';
import type { LinkConditions, LinkScope } from './network/link-conditions.js';
import { NetContext, type NetworkStats } from './network/net-context.js';
import { TransportSim } from './network/transport-sim.js';
import { freezeHost, linksChanged } from './network/heartbeat.js';
import { abortHandshakesTo, breakConnectionsBetween, retryBlocked } from './network/wiring.js';

export type { LinkConditions, LinkScope, LatencyDistribution } from './network/link-conditions.js';
export type { NetworkStats, DropReason } from './network/net-context.js';
export type { NetError, NetErrorCode } from './network/net-error.js';

export interface NetworkSimOptions {
  kernel: SimKernel;
  random: RandomPort;
  trace?: Trace;
  /** The kernel task owner for events on a host (the kernel's gate pauses by owner). Default: the host name. */
  ownerOf?: (host: string) => unknown;
}

/** Owner of the network's own kernel events (never a host, so a pause never defers them). */
const NETWORK_OWNER: object = Object.freeze({ name: 'network' });

export class NetworkSim {
  private readonly ctx: NetContext;

  constructor(options: NetworkSimOptions) {
    checkOptions('NetworkSim options', options, ['kernel', 'random', 'trace', 'ownerOf']);
    if (!options?.kernel) throw new TypeError(`kernel: expected a SimKernel, got ${describe(options?.kernel)}`);
    if (!options.random) throw new TypeError(`random: expected a RandomPort, got ${describe(options.random)}`);
    this.ctx = new NetContext(options.kernel, options.random, options.trace, options.ownerOf ?? ((host) => host));
  }

  get stats(): Readonly<NetworkStats> {
    return this.ctx.stats;
  }

  /** Declares a host so addresses naming it resolve. Idempotent. */
  addHost(hostName: string): void {
    checkNonEmptyString('hostName', hostName);
    this.ctx.host(hostName);
  }

  /** The TransportPort of the host's current incarnation (declares the host if needed). */
  transport(hostName: string): TransportPort {
    checkNonEmptyString('hostName', hostName);
    return new TransportSim(this.ctx, this.ctx.host(hostName));
  }

  /**
   * The host crashed: its sockets and servers vanish, whatever was in flight from or to it
   * is lost, and nothing it was waiting for ever settles. Peers see their connections
   * go away; connecting peers reconnect when the host binds again.
   */
  crashHost(hostName: string): void {
    const host = this.knownHost('crashHost', hostName);
    host.incarnation++;
    this.ctx.record('crash', hostName, {});
    for (const socket of [...host.sockets]) socket.kill();
    for (const server of [...host.servers]) server.kill();
    for (const request of host.requests) request.kill();
    host.requests.clear();
    abortHandshakesTo(this.ctx, hostName);
  }

  /**
   * The host's process is frozen until `untilMs` (Simulation.pause): its kernel still accepts
   * data, but its peers' heartbeats hear no answer, so heartbeating peers drop their connections
   * to it after heartbeatTimeoutMs, as with a SIGSTOPped process. `owner` owns the thaw event
   * (not the frozen host, whose events wait).
   */
  freezeHost(hostName: string, untilMs: number, owner: unknown = NETWORK_OWNER): void {
    this.knownHost('freezeHost', hostName);
    freezeHost(this.ctx, hostName, untilMs, owner);
  }

  /** No scope: the global default. With a scope: overrides the global fields it sets, for matching links. */
  setLinkConditions(conditions: LinkConditions, scope?: LinkScope): void {
    this.ctx.links.setConditions(conditions, scope);
    this.ctx.record('link-conditions', undefined, { conditions, ...(scope ? { scope } : {}) });
  }

  clearLinkConditions(): void {
    this.ctx.links.clearConditions();
    this.ctx.record('link-conditions', undefined, { conditions: {} });
  }

  /**
   * Messages between the sides (only A -> B if oneWay) stall until repair: connections stay up
   * (unless heartbeats expire) and everything sent meanwhile arrives late, in order. New
   * connections across the cut wait for the repair.
   */
  partition(sideA: string[], sideB: string[], options: { oneWay?: boolean } = {}): void {
    checkOptions('partition options', options, ['oneWay']);
    this.checkSides('partition', sideA, sideB);
    this.ctx.links.partition(sideA, sideB, options.oneWay ?? false);
    this.ctx.record('partition', undefined, { sideA, sideB, oneWay: options.oneWay ?? false });
    linksChanged(this.ctx);
  }

  /** Heals every partition: stalled connections deliver what waited; connections a partition kept from completing are retried. */
  repair(): void {
    this.ctx.links.repair();
    this.ctx.record('repair', undefined, {});
    this.ctx.links.resumeFlowing();
    retryBlocked(this.ctx);
    linksChanged(this.ctx);
  }

  /**
   * Replaces every partition at once (the fault injector, when one of overlapping partitions
   * ends): a link still cut stays stalled, with its TCP and heartbeat clocks running on, where
   * repair() then partition() would have healed it for an instant and restarted them. Links no
   * longer cut flow again and blocked connects retry, as after repair().
   */
  setPartitions(partitions: readonly { sideA: string[]; sideB: string[]; oneWay?: boolean }[]): void {
    if (!Array.isArray(partitions)) throw new TypeError(`setPartitions: expected an array of partitions, got ${describe(partitions)}`);
    for (const p of partitions) {
      checkOptions('setPartitions: partition', p, ['sideA', 'sideB', 'oneWay']);
      this.checkSides('setPartitions', p.sideA, p.sideB);
    }
    const list = partitions.map((p) => ({ sideA: [...p.sideA], sideB: [...p.sideB], oneWay: p.oneWay ?? false }));
    this.ctx.links.setPartitions(list);
    this.ctx.record('set-partitions', undefined, { partitions: list });
    this.ctx.links.resumeFlowing();
    retryBlocked(this.ctx);
    linksChanged(this.ctx);
  }

  /**
   * Breaks every connection between a host of `sideA` and one of `sideB` now (an RST from the
   * network): what was in flight is lost both ways and the connecting sides reconnect after
   * their reconnect interval. Returns the number of connections broken.
   */
  disconnect(sideA: string[], sideB: string[]): number {
    this.checkSides('disconnect', sideA, sideB);
    const broken = breakConnectionsBetween(this.ctx, sideA, sideB) + breakConnectionsBetween(this.ctx, sideB, sideA);
    this.ctx.record('disconnect-fault', undefined, { sideA, sideB, broken });
    return broken;
  }

  /** Messages on the directed link wait (in order) until release. */
  hold(from: string, to: string): void {
    this.knownHost('hold', from);
    this.knownHost('hold', to);
    this.ctx.links.link(from, to).held = true;
    this.ctx.record('hold-link', undefined, { from, to });
    linksChanged(this.ctx);
  }

  release(from: string, to: string): void {
    this.knownHost('release', from);
    this.knownHost('release', to);
    const link = this.ctx.links.link(from, to);
    link.held = false;
    const parked = link.parked;
    link.parked = [];
    this.ctx.record('release-link', undefined, { from, to, waiting: parked.length });
    for (const item of parked) item.resume();
    linksChanged(this.ctx);
  }

  private checkSides(op: string, sideA: unknown, sideB: unknown): void {
    for (const [name, side] of [['sideA', sideA], ['sideB', sideB]] as const) {
      if (!Array.isArray(side)) throw new TypeError(`${op}: ${name}: expected an array of host names, got ${describe(side)}`);
      for (const host of side) this.knownHost(`${op}: ${name}`, host);
    }
  }

  private knownHost(op: string, hostName: string) {
    const host = typeof hostName === 'string' ? this.ctx.knownHost(hostName) : undefined;
    if (!host) throw new RangeError(`${op}: unknown host ${describe(hostName)} (known hosts: ${this.ctx.hostList()})`);
    return host;
  }
}
