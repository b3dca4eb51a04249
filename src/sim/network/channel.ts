// One direction of a connection between two sockets: the sender's queue, the wire and the
// receiver's queue in one array, so a message moves by advancing an index. Messages due
// at the same time are delivered by one kernel event; only one event per channel is ever
// armed, at the head's delivery time (per-connection FIFO makes the head the earliest).
// As TCP does, a live connection never loses or duplicates a message: a partitioned or held
// link stalls the channel and, once it flows again, everything waiting arrives in order.
// Only a link declared lossy (dropRate, duplicateRate) acts on single messages.

import type { ScheduledTask } from '../../core/scheduler.js';
import type { Message } from '../../core/transport.js';
import type { Link, Parkable } from './link-conditions.js';
import type { DropReason, NetContext } from './net-context.js';
import type { PipeEnd } from './wiring.js';

const COMPACT_MIN = 1024;

export class Channel implements Parkable {
  /** [readIdx, deliverIdx): arrived, waiting to be read; [deliverIdx, length): on the wire or not yet sent. */
  private msgs: (Message | undefined)[] = [];
  private times: number[] = [];
  private ids: number[] = [];
  private readIdx = 0;
  private deliverIdx = 0;
  /** Readable messages (arrived and not dropped). */
  arrived = 0;
  /** The receiving end is attached: messages go on the wire. Before that they wait (time NaN). */
  connected = false;
  /** Torn down: nothing more is sent or delivered; arrived messages may still be read. */
  cut = false;
  /** In the receiver's fair-queue of channels with arrived messages. */
  inReady = false;
  private parked = false;
  private stalled = false;
  private lastTime = -Infinity;
  private armedAt = Infinity;
  private armed: ScheduledTask | undefined;
  private readonly onTask = (): void => {
    if (this.ctx.kernel.now() >= this.armedAt) this.armedAt = Infinity;
    this.flush();
  };
  /** The receiving end; set on attach. */
  to: PipeEnd | undefined;

  constructor(
    private readonly ctx: NetContext,
    readonly from: PipeEnd,
    readonly toHost: string,
    private readonly link: Link,
  ) {}

  /** Messages the sender has put in and the receiver's queue has not taken yet (the sender's HWM counts these). */
  get pending(): number {
    return this.msgs.length - this.deliverIdx;
  }

  /** Queues one message from the sender (the caller checked the high-water mark). */
  send(message: Message): void {
    const ctx = this.ctx;
    const id = ++ctx.msgSeq;
    ctx.stats.sent++;
    const socket = this.from.socket as { id: string; host: string };
    if (ctx.trace) ctx.recordMessage('send', socket.host, socket.host, this.toHost, socket.id, id, message);
    if (!this.connected) {
      this.msgs.push(message);
      this.times.push(NaN);
      this.ids.push(id);
      return;
    }
    this.transmit(message, id);
  }

  /** Puts a message on the wire: latency, and on a lossy link loss and duplication. */
  private transmit(message: Message, id: number): void {
    const ctx = this.ctx;
    const link = ctx.links.current(this.link);
    if (link.dropRate > 0 && ctx.random.float() < link.dropRate) {
      const socket = this.from.socket as { id: string; host: string };
      ctx.drop('lossy-link', socket.host, socket.host, this.toHost, socket.id, id, message);
      return;
    }
    this.enqueue(message, id, link);
    if (link.duplicateRate > 0 && ctx.random.float() < link.duplicateRate) {
      ctx.stats.duplicated++;
      const socket = this.from.socket as { id: string; host: string };
      if (ctx.trace) ctx.recordMessage('duplicate', socket.host, socket.host, this.toHost, socket.id, id, message);
      this.enqueue(message, id, link);
    }
    this.arm();
  }

  private enqueue(message: Message, id: number, link: Link): void {
    let t = this.ctx.kernel.now() + link.sampleLatency(this.ctx.random);
    if (!link.reorder) {
      if (t < this.lastTime) t = this.lastTime;
      this.lastTime = t;
      this.msgs.push(message);
      this.times.push(t);
      this.ids.push(id);
      return;
    }
    // Jitter may reorder: keep the wire sorted by time, after equal times (stable).
    let lo = this.deliverIdx;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.times[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    this.msgs.splice(lo, 0, message);
    this.times.splice(lo, 0, t);
    this.ids.splice(lo, 0, id);
    if (t > this.lastTime) this.lastTime = t;
  }

  /** The receiving end attached: messages that waited go on the wire now, in order. */
  connect(to: PipeEnd): void {
    this.to = to;
    this.connected = true;
    const waitingFrom = this.deliverIdx;
    const waiting = this.msgs.splice(waitingFrom);
    const ids = this.ids.splice(waitingFrom);
    this.times.length = waitingFrom;
    for (let i = 0; i < waiting.length; i++) this.transmit(waiting[i] as Message, ids[i] as number);
  }

  private arm(): void {
    if (this.cut || this.parked || this.stalled || !this.connected || this.deliverIdx >= this.msgs.length) return;
    const t = this.times[this.deliverIdx] as number;
    if (!(t < this.armedAt)) return;
    if (this.armed) this.ctx.kernel.cancel(this.armed);
    this.armedAt = t;
    this.armed = this.ctx.kernel.schedule(t, this.onTask, this.ctx.ownerOf(this.toHost));
  }

  /** Moves every message due by now into the receiver's queue, up to its high-water mark. */
  flush(): void {
    if (this.cut || this.parked || !this.connected) return;
    const ctx = this.ctx;
    const to = this.to as PipeEnd;
    const receiver = to.socket as NonNullable<PipeEnd['socket']>;
    const now = ctx.kernel.now();
    const link = ctx.links.current(this.link);
    const msgs = this.msgs;
    let moved = false;
    while (this.deliverIdx < msgs.length) {
      const i = this.deliverIdx;
      if (!((this.times[i] as number) <= now)) break;
      const message = msgs[i];
      if (message === undefined) {
        this.deliverIdx++;
        continue;
      }
      if (link.held || link.partitioned) {
        // The connection stalls (TCP retransmits until the link heals): nothing is lost.
        this.parked = true;
        link.parked.push(this);
        if (ctx.trace) ctx.record(link.held ? 'hold' : 'stall', this.toHost, { from: this.link.from, to: this.toHost, socket: receiver.id });
        break;
      }
      if (this.arrived >= receiver.receiveHighWaterMark) {
        this.stalled = true;
        break;
      }
      this.deliverIdx++;
      this.arrived++;
      ctx.stats.delivered++;
      moved = true;
      if (ctx.trace) ctx.recordMessage('deliver', receiver.host, this.link.from, this.toHost, receiver.id, this.ids[i] as number, message);
      receiver.onArrival(this);
      if (this.cut) return;
    }
    if (moved) (this.from.socket as NonNullable<PipeEnd['socket']>).onWritable();
    this.arm();
  }

  /**
   * A held or partitioned link flows again: deliver what waited, in order, in an event of the
   * receiving host (never inside the releasing event: a paused receiver stays paused).
   */
  resume(): void {
    if (!this.parked) return;
    this.parked = false;
    const now = this.ctx.kernel.now();
    for (let i = this.deliverIdx; i < this.msgs.length && (this.times[i] as number) <= now; i++) {
      if (this.msgs[i] !== undefined) this.ctx.stats.held++;
    }
    this.arm();
  }

  /** Takes the next arrived message for the receiver, or undefined. */
  take(): Message | undefined {
    const msgs = this.msgs;
    while (this.readIdx < this.deliverIdx) {
      const message = msgs[this.readIdx];
      msgs[this.readIdx] = undefined;
      this.readIdx++;
      if (message === undefined) continue;
      this.arrived--;
      if (this.readIdx >= COMPACT_MIN && this.readIdx * 2 >= msgs.length) this.compact();
      if (this.stalled) {
        this.stalled = false;
        this.flush();
      }
      return message;
    }
    return undefined;
  }

  private compact(): void {
    const n = this.readIdx;
    this.msgs.splice(0, n);
    this.times.splice(0, n);
    this.ids.splice(0, n);
    this.readIdx = 0;
    this.deliverIdx -= n;
  }

  /** Tears the channel down: everything not yet in the receiver's queue is lost. */
  cutOff(reason: DropReason, discardArrived: boolean): void {
    if (this.cut) return;
    this.cut = true;
    if (this.armed) this.ctx.kernel.cancel(this.armed);
    this.armed = undefined;
    const sender = this.from.socket as { id: string; host: string };
    for (let i = this.deliverIdx; i < this.msgs.length; i++) {
      const message = this.msgs[i];
      if (message !== undefined) this.ctx.drop(reason, sender.host, sender.host, this.toHost, sender.id, this.ids[i] as number, message);
    }
    this.msgs.length = this.deliverIdx;
    this.times.length = this.deliverIdx;
    this.ids.length = this.deliverIdx;
    if (discardArrived) {
      this.msgs.length = 0;
      this.times.length = 0;
      this.ids.length = 0;
      this.readIdx = 0;
      this.deliverIdx = 0;
      this.arrived = 0;
    }
  }
}
