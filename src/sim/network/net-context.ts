// The state every part of the simulated network shares: clock, randomness, trace, stats,
// hosts, bound endpoints and connectors waiting for them. NetworkSim is its public face.

import type { RandomPort } from '../../core/ports.js';
import type { Message } from '../../core/transport.js';
import type { SimKernel } from '../sim-kernel.js';
import type { Trace } from '../trace.js';
import { LinkTable } from './link-conditions.js';
import type { Liveness } from './heartbeat.js';
import type { Binding, Connector } from './pipe-end.js';
import type { SocketSim } from './socket-sim.js';
import type { HttpServerSim } from './http-sim.js';

export interface NetworkStats {
  /** Messages handed to the network (after routing), duplicates not included. */
  sent: number;
  /** Messages that reached a receiving socket's queue (or an HTTP peer). */
  delivered: number;
  /** Messages lost, whatever the reason (a broken connection, a lossy link, hwm, unroutable, crash, closed, ...). */
  dropped: number;
  /** Extra copies created by duplicateRate (lossy links only). */
  duplicated: number;
  /** ROUTER sends to an unknown identity (also counted in dropped). */
  unroutable: number;
  /** Messages that waited on a held or partitioned (stalled) link. */
  held: number;
}

/**
 * Why a message was lost. A partition is not one: it stalls a connection. 'disconnect',
 * 'heartbeat' and 'tcp-timeout' are connections broken by a fault, by expired heartbeats or by
 * TCP giving up after 924.6s of a partition (what was in flight);
 * 'lossy-link' is a per-message drop, only on links a scenario declares lossy.
 */
export type DropReason = 'disconnect' | 'heartbeat' | 'tcp-timeout' | 'lossy-link' | 'hwm' | 'unroutable' | 'crash' | 'closed' | 'unsubscribed' | 'unexpected';

export interface HostState {
  readonly name: string;
  /** Bumped by each crash: sockets of an older incarnation are dead. */
  incarnation: number;
  sockets: Set<SocketSim>;
  servers: Set<HttpServerSim>;
  /** Crash hooks of in-flight HTTP requests made by this host. */
  requests: Set<{ kill(): void }>;
}

export class NetContext {
  readonly links = new LinkTable();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, unroutable: 0, held: 0 };
  readonly hosts = new Map<string, HostState>();
  readonly bindings = new Map<string, Binding>();
  readonly waiting = new Map<string, Set<Connector>>();
  /** Connectors whose handshake is blocked by a partition; retried on repair. */
  readonly partitionBlocked = new Set<Connector>();
  /** Connectors with a handshake event scheduled. */
  readonly handshaking = new Set<Connector>();
  /** Connections whose sockets enabled heartbeats. */
  readonly liveness = new Set<Liveness>();
  /** Hosts frozen (a pause) until then: their kernel still takes data, their libzmq answers no PING. */
  readonly frozenUntilMs = new Map<string, number>();
  msgSeq = 0;
  socketSeq = 0;
  /** Numbers each reconnect schedule's own random stream (reconnect.ts). */
  scheduleSeq = 0;

  constructor(
    readonly kernel: SimKernel,
    readonly random: RandomPort,
    readonly trace: Trace | undefined,
    readonly ownerOf: (host: string) => unknown,
  ) {}

  host(name: string): HostState {
    let state = this.hosts.get(name);
    if (!state) {
      state = { name, incarnation: 0, sockets: new Set(), servers: new Set(), requests: new Set() };
      this.hosts.set(name, state);
    }
    return state;
  }

  knownHost(name: string): HostState | undefined {
    return this.hosts.get(name);
  }

  hostList(): string {
    return [...this.hosts.keys()].join(', ') || 'none';
  }

  /** Records one message event; call only when `trace` is set. */
  recordMessage(kind: string, host: string, from: string, to: string, socket: string, msg: number, message: Message | undefined, reason?: DropReason): void {
    let bytes = 0;
    if (message) for (let i = 0; i < message.length; i++) bytes += (message[i] as Uint8Array).length;
    // The payload's bytes go into the trace hash (trace.ts), not into the line. Fields, not an
    // event object: this is most of a trace, and recordMessage allocates nothing for it.
    (this.trace as Trace).recordMessage(this.kernel.now(), kind, host, from, to, socket, msg, bytes, reason, message);
  }

  record(kind: string, host: string | undefined, fields: Record<string, unknown>): void {
    if (!this.trace) return;
    this.trace.record({ tMs: this.kernel.now(), kind, ...(host === undefined ? {} : { host }), ...fields });
  }

  /** Counts and traces a message lost before it reached the wire or on it. */
  drop(reason: DropReason, host: string, from: string, to: string, socket: string, msg: number, message: Message | undefined): void {
    this.stats.dropped++;
    if (reason === 'unroutable') this.stats.unroutable++;
    if (this.trace) this.recordMessage('drop', host, from, to, socket, msg, message, reason);
  }
}
