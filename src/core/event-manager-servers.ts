// The sending side of the EventManager: the registered servers, each a ServerOutbox (a PUSH and
// its bounded queue), in a shuffled round-robin order for non-broadcast events (RoundRobin,
// reshuffled by the injected random on every membership change, as Toto's refresh_server_queue).
// A broadcast is encoded once and its frame queued for every server; nothing is queued unless
// every target has room, so a full queue never leaves an event half sent.

import { ServerOutbox } from './event-manager-outbox.js';
import { codeOf } from './event-manager-receiver.js';
import { encodeEvent, type EventLimits } from './event-manager-wire.js';
import type { RandomPort } from './ports.js';
import { RoundRobin } from './round-robin.js';
import type { SocketOptions, TransportPort } from './transport.js';
import type { WireCodecs } from './wire.js';

/** Registered addresses named in an error message at most. */
const ADDRESSES_SHOWN = 5;

export interface ServerCounts {
  sent: number;
  sendFailures: number;
  dropped: number;
}

export interface ServerSetParts {
  transport: TransportPort;
  socketOptions: SocketOptions;
  sendQueueMax: number;
  random: RandomPort;
  codecs: WireCodecs;
  limits: EventLimits;
  /** The owner's counters, updated in place. */
  counts: ServerCounts;
  log(level: 'info' | 'warn', context: Record<string, unknown>, message: string): void;
}

export class ServerSet {
  private readonly outboxes = new Map<string, ServerOutbox>();
  /** outboxes' values, kept as an array: a broadcast walks it twice per event. */
  private targets: ServerOutbox[] = [];
  private readonly order: RoundRobin<string>;
  /** The registered addresses (registration order), frozen: send() returns it for a broadcast. */
  private addresses: readonly string[] = Object.freeze([]);

  constructor(private readonly parts: ServerSetParts) {
    this.order = new RoundRobin<string>({ random: parts.random });
  }

  get list(): readonly string[] {
    return this.addresses;
  }

  /** Frames waiting for a socket, all servers together. */
  get queued(): number {
    let queued = 0;
    for (const outbox of this.outboxes.values()) queued += outbox.queued;
    return queued;
  }

  add(address: string): void {
    if (this.outboxes.has(address)) throw new RangeError(`registerServer: ${JSON.stringify(address)} is already registered`);
    const { counts } = this.parts;
    const outbox = new ServerOutbox(address, this.parts.transport, this.parts.socketOptions, this.parts.sendQueueMax, {
      sent: () => void counts.sent++,
      failed: (to, error) => {
        counts.sendFailures++;
        this.parts.log('warn', { err: error, code: codeOf(error), server: to }, 'event manager: send failed; the event is dropped for this server');
      },
    });
    this.outboxes.set(address, outbox);
    this.changed();
  }

  remove(address: string): void {
    const outbox = this.outboxes.get(address);
    if (outbox === undefined) throw new RangeError(`removeServer: ${JSON.stringify(address)} is not registered (registered: ${this.shown()})`);
    this.outboxes.delete(address);
    this.dropped(address, outbox.close());
    this.changed();
  }

  /** Removes every server, dropping what is queued for them (close() too). */
  clear(): void {
    for (const [address, outbox] of this.outboxes) this.dropped(address, outbox.close());
    this.outboxes.clear();
    this.changed();
  }

  reshuffle(): void {
    this.order.set(this.addresses);
  }

  /** Queues one event for every server, or the next in the round-robin order; returns their addresses. */
  send(name: string, args: unknown, broadcast: boolean): readonly string[] {
    if (this.outboxes.size === 0) return this.addresses;
    if (!broadcast) {
      const address = this.order.next();
      this.queue(this.outboxes.get(address) as ServerOutbox, name, args);
      return [address];
    }
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) if ((targets[i] as ServerOutbox).full) throw this.queueFull(targets[i] as ServerOutbox);
    const frame = encodeEvent(name, args, this.parts.codecs, this.parts.limits);
    for (let i = 0; i < targets.length; i++) (targets[i] as ServerOutbox).push(frame);
    return this.addresses;
  }

  sendTo(address: string, name: string, args: unknown): void {
    const outbox = this.outboxes.get(address);
    if (outbox === undefined) {
      throw new RangeError(`sendToServer: ${JSON.stringify(address)} is not a registered server (call registerServer first; registered: ${this.shown()})`);
    }
    this.queue(outbox, name, args);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.outboxes.values()].map((outbox) => outbox.drained()));
  }

  private queue(outbox: ServerOutbox, name: string, args: unknown): void {
    if (outbox.full) throw this.queueFull(outbox);
    outbox.push(encodeEvent(name, args, this.parts.codecs, this.parts.limits));
  }

  private changed(): void {
    this.addresses = Object.freeze([...this.outboxes.keys()]);
    this.targets = [...this.outboxes.values()];
    this.order.set(this.addresses);
  }

  private dropped(address: string, count: number): void {
    if (count === 0) return;
    this.parts.counts.dropped += count;
    this.parts.log('info', { server: address, dropped: count }, 'event manager: events still queued for a removed server were dropped');
  }

  private queueFull(outbox: ServerOutbox): RangeError {
    return new RangeError(
      `send: ${outbox.queued} events queued for ${JSON.stringify(outbox.address)} already (sendQueueMax ${this.parts.sendQueueMax}): the server is not taking events; nothing was sent`,
    );
  }

  private shown(): string {
    if (this.addresses.length === 0) return 'none';
    const shown = this.addresses.slice(0, ADDRESSES_SHOWN).map((a) => JSON.stringify(a)).join(', ');
    return this.addresses.length > ADDRESSES_SHOWN ? `${shown}, ... (${this.addresses.length})` : shown;
  }
}
