// One direction of a connection between two sockets, along a message's path: the sender's
// pipe, the kernel's socket buffers (the wire) and the receiver's pipe, in one array, so a
// message moves by advancing an index. Messages due at the same time are delivered by one
// kernel event; only one event per channel is ever armed, at the head's delivery time
// (per-connection FIFO makes the head the earliest).
// As TCP does, a live connection never loses or duplicates a message: a partitioned or held
// link stalls the channel and, once it flows again, everything waiting arrives in order.
// Only a link declared lossy (dropRate, duplicateRate) acts on single messages.
//
// High-water marks count messages in pipes, as libzmq's do. Over tcp and ipc the kernel's
// buffers hold bytes beyond both pipes: a message leaves the sender's pipe for the wire while
// the wire holds fewer than `bufferBytes` (whatever the receiver's pipe does), so a PUSH blocks
// (or a PUB drops) only once SNDHWM + RCVHWM messages plus a wire's worth of bytes wait. Over
// inproc there is no wire: the sender's high-water mark counts every message not yet in the
// receiver's pipe, so exactly SNDHWM + RCVHWM wait.

import type { ScheduledTask } from '../../core/scheduler.js';
import type { Message } from '../../core/transport.js';
import type { Link, Parkable } from './link-conditions.js';
import type { DropReason, NetContext } from './net-context.js';
import type { PipeEnd } from './pipe-end.js';
import { framedBytes, IPC_BUFFER_BYTES, nextRetransmitMs, TCP_BUFFER_BYTES, TCP_GIVE_UP_MS, type Transport } from './tcp-model.js';

const COMPACT_MIN = 1024;

/** What a connecting side carries across a reconnect: its pipe. */
export interface CarriedPipe {
  msgs: (Message | undefined)[];
  ids: number[];
}

export class Channel implements Parkable {
  /** [readIdx, deliverIdx): in the receiver's pipe; [deliverIdx, wireEnd): on the wire; [wireEnd, length): in the sender's pipe. */
  private msgs: (Message | undefined)[] = [];
  private times: number[] = [];
  private ids: number[] = [];
  private readIdx = 0;
  private deliverIdx = 0;
  private wireEnd = 0;
  private wireBytes = 0;
  private readonly bufferBytes: number;
  /** Readable messages (arrived and not dropped). */
  arrived = 0;
  /** The receiving end is attached: messages go on the wire. Before that they wait in the pipe. */
  connected = false;
  /** Torn down: nothing more is sent or delivered; arrived messages may still be read. */
  cut = false;
  /** The sending socket closed gracefully: what is on the wire still arrives, nothing more is sent. */
  private draining = false;
  /** In the receiver's fair-queue of channels with arrived messages. */
  inReady = false;
  private parked = false;
  /** Parked by a partition: its head was first due then (the retransmission schedule starts there). */
  private lostAtMs: number | undefined;
  /** After a partition: nothing arrives before TCP's next retransmission. */
  private retransmitAtMs = -Infinity;
  private giveUpTask: ScheduledTask | undefined;
  /** Breaks the connection when TCP gives up on a stalled head (set by wiring.ts on attach). */
  onGiveUp: (() => void) | undefined;
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
    readonly transport: Transport = 'tcp',
  ) {
    this.bufferBytes = transport === 'tcp' ? TCP_BUFFER_BYTES : transport === 'ipc' ? IPC_BUFFER_BYTES : 0;
  }

  /** Messages the sender's high-water mark counts: its pipe (and, over inproc, everything not yet in the receiver's pipe). */
  get pending(): number {
    if (this.bufferBytes > 0) return this.msgs.length - this.wireEnd;
    // inproc: one pipe shared by both sockets, holding SNDHWM + RCVHWM whatever is in transit.
    const unread = this.arrived + this.msgs.length - this.deliverIdx;
    const receiverHwm = this.to ? this.to.socket.receiveHighWaterMark : 0;
    return unread > receiverHwm ? unread - receiverHwm : 0;
  }

  /** Messages sent and not yet in the receiver's pipe (the sender's pipe and the wire). */
  get undelivered(): number {
    return this.msgs.length - this.deliverIdx;
  }

  /** Queues one message from the sender (the caller checked the high-water mark). */
  send(message: Message): void {
    const ctx = this.ctx;
    const id = ++ctx.msgSeq;
    ctx.stats.sent++;
    const socket = this.from.socket as { id: string; host: string };
    if (ctx.trace) ctx.recordMessage('send', socket.host, socket.host, this.toHost, socket.id, id, message);
    this.msgs.push(message);
    this.times.push(NaN);
    this.ids.push(id);
    if (!this.connected) return;
    // libzmq's I/O thread moves a pipe into the kernel on its own time, after the sends: a burst
    // of publishes fills a PUB's pipe first and drops past SNDHWM (measured: 9 of 2,000 got
    // through). Modelled for PUB only, where it decides what is lost; the other kinds move their
    // pipe at once (for them it only shifts when a send waits, and an unbounded read-and-send loop
    // inside one event would otherwise starve the I/O thread, which in reality runs alongside).
    if (this.bufferBytes === 0 || this.from.socket.type !== 'pub') return this.pump();
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      this.ctx.kernel.schedule(this.ctx.kernel.now(), this.onPump, this.ctx.ownerOf(this.from.socket.host));
    }
  }

  private pumpScheduled = false;
  private readonly onPump = (): void => {
    this.pumpScheduled = false;
    if (this.wireEnd >= this.msgs.length) return;
    this.pump();
    this.from.socket.onWritable();
  };

  /** Moves messages from the sender's pipe onto the wire while the kernel buffers have room. */
  private pump(): void {
    if (this.cut || this.draining || !this.connected) return;
    const cap = this.bufferBytes;
    while (this.wireEnd < this.msgs.length) {
      if (cap > 0 && this.wireBytes >= cap && this.wireEnd > this.deliverIdx) break;
      this.transmit(this.wireEnd);
    }
    this.arm();
  }

  /** Puts the pipe's head (at index i = wireEnd) on the wire: latency, and on a lossy link loss and duplication. */
  private transmit(i: number): void {
    const ctx = this.ctx;
    const link = ctx.links.current(this.link);
    const message = this.msgs[i];
    this.wireEnd++;
    if (message === undefined) return;
    if (link.dropRate > 0 && ctx.random.float() < link.dropRate) {
      // A hole in the wire, due with the last message, so the wire stays sorted and flush steps over it.
      this.msgs[i] = undefined;
      this.times[i] = Math.max(this.lastTime, ctx.kernel.now());
      const socket = this.from.socket as { id: string; host: string };
      ctx.drop('lossy-link', socket.host, socket.host, this.toHost, socket.id, this.ids[i] as number, message);
      return;
    }
    this.place(i, link);
    if (link.duplicateRate > 0 && ctx.random.float() < link.duplicateRate) {
      ctx.stats.duplicated++;
      const socket = this.from.socket as { id: string; host: string };
      const id = this.ids[i] as number;
      if (ctx.trace) ctx.recordMessage('duplicate', socket.host, socket.host, this.toHost, socket.id, id, message);
      const at = this.wireEnd++;
      this.msgs.splice(at, 0, message);
      this.times.splice(at, 0, NaN);
      this.ids.splice(at, 0, id);
      this.place(at, link);
    }
  }

  /** Gives the wire's last message (at `i`) its delivery time; keeps the wire sorted by time. */
  private place(i: number, link: Link): void {
    let t = this.ctx.kernel.now() + link.sampleLatency(this.ctx.random);
    if (this.bufferBytes > 0) this.wireBytes += framedBytes(this.msgs[i] as Message);
    if (!link.reorder && t < this.lastTime) t = this.lastTime;
    if (t > this.lastTime) this.lastTime = t;
    this.times[i] = t;
    // Jitter may reorder: move it before later times (stable: after equal ones).
    for (let j = i; j > this.deliverIdx && (this.times[j - 1] as number) > t; j--) {
      for (const a of [this.msgs, this.times, this.ids] as unknown[][]) [a[j - 1], a[j]] = [a[j], a[j - 1]];
    }
  }

  /** The receiving end attached: messages that waited in the pipe go on the wire now, in order. */
  connect(to: PipeEnd): void {
    this.to = to;
    this.connected = true;
    this.pump();
  }

  private arm(): void {
    if (this.cut || this.parked || this.stalled || !this.connected || this.deliverIdx >= this.wireEnd) return;
    const t = Math.max(this.times[this.deliverIdx] as number, this.retransmitAtMs);
    if (!(t < this.armedAt)) return;
    if (this.armed) this.ctx.kernel.cancel(this.armed);
    this.armedAt = t;
    this.armed = this.ctx.kernel.schedule(t, this.onTask, this.ctx.ownerOf(this.toHost));
  }

  /** Moves every message due by now into the receiver's pipe, up to its high-water mark. */
  flush(): void {
    if (this.cut || this.parked || !this.connected) return;
    const ctx = this.ctx;
    const receiver = (this.to as PipeEnd).socket;
    const now = ctx.kernel.now();
    if (now < this.retransmitAtMs) return this.arm();
    const link = ctx.links.current(this.link);
    const msgs = this.msgs;
    let moved = false;
    while (this.deliverIdx < this.wireEnd) {
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
        if (link.partitioned) this.stallLost(this.times[i] as number);
        link.parked.push(this);
        if (ctx.trace) ctx.record(link.held ? 'hold' : 'stall', this.toHost, { from: this.link.from, to: this.toHost, socket: receiver.id });
        break;
      }
      if (this.arrived >= receiver.receiveHighWaterMark) {
        this.stalled = true;
        break;
      }
      this.deliverIdx++;
      if (this.bufferBytes > 0) this.wireBytes -= framedBytes(message);
      this.arrived++;
      ctx.stats.delivered++;
      moved = true;
      if (ctx.trace) ctx.recordMessage('deliver', receiver.host, this.link.from, this.toHost, receiver.id, this.ids[i] as number, message);
      receiver.onArrival(this, message);
      if (this.cut) return;
    }
    if (moved) {
      if (this.wireEnd < msgs.length) this.pump();
      this.from.socket.onWritable();
    }
    this.arm();
  }

  /**
   * A held or partitioned link flows again: deliver what waited, in order, in an event of the
   * receiving host (never inside the releasing event: a paused receiver stays paused); after a
   * partition, at TCP's next retransmission.
   */
  resume(): void {
    if (!this.parked) return;
    this.parked = false;
    const now = this.ctx.kernel.now();
    // A hold is the plan's abstraction (release delivers at once); a partition lost the head: it
    // comes with TCP's next retransmission.
    if (this.lostAtMs !== undefined) this.retransmitAtMs = nextRetransmitMs(this.lostAtMs, now);
    this.lostAtMs = undefined;
    if (this.giveUpTask) this.ctx.kernel.cancel(this.giveUpTask);
    this.giveUpTask = undefined;
    for (let i = this.deliverIdx; i < this.wireEnd && (this.times[i] as number) <= now; i++) {
      if (this.msgs[i] !== undefined) this.ctx.stats.held++;
    }
    this.arm();
  }

  /** The head, first due at `dueMs`, was lost to a partition: TCP retransmits it until it gives up. */
  private stallLost(dueMs: number): void {
    if (this.lostAtMs === dueMs && this.giveUpTask) return;
    this.lostAtMs = dueMs;
    if (this.giveUpTask) this.ctx.kernel.cancel(this.giveUpTask);
    this.giveUpTask = this.ctx.kernel.schedule(dueMs + TCP_GIVE_UP_MS, () => {
      this.giveUpTask = undefined;
      if (this.parked && this.lostAtMs === dueMs && !this.cut) this.onGiveUp?.();
    }, this.ctx.ownerOf(this.from.socket.host));
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
    for (const a of [this.msgs, this.times, this.ids] as unknown[][]) a.splice(0, n);
    this.readIdx = 0;
    this.deliverIdx -= n;
    this.wireEnd -= n;
  }

  /** Drops [from, length) with `reason`, counting each message lost. */
  private dropFrom(from: number, reason: DropReason): void {
    const sender = this.from.socket as { id: string; host: string };
    for (let i = from; i < this.msgs.length; i++) {
      const message = this.msgs[i];
      if (message !== undefined) this.ctx.drop(reason, sender.host, sender.host, this.toHost, sender.id, this.ids[i] as number, message);
    }
    for (const a of [this.msgs, this.times, this.ids] as unknown[][]) a.length = from;
    if (this.wireEnd > from) this.wireEnd = from;
  }

  /** Tears the channel down: everything not yet in the receiver's pipe is lost (and that too if `discardArrived`). */
  cutOff(reason: DropReason, discardArrived: boolean): void {
    if (this.cut) return;
    this.cut = true;
    if (this.armed) this.ctx.kernel.cancel(this.armed);
    this.armed = undefined;
    if (this.giveUpTask) this.ctx.kernel.cancel(this.giveUpTask);
    this.giveUpTask = undefined;
    this.dropFrom(this.deliverIdx, reason);
    this.wireBytes = 0;
    if (discardArrived) {
      for (const a of [this.msgs, this.times, this.ids] as unknown[][]) a.length = 0;
      this.readIdx = this.deliverIdx = this.wireEnd = 0;
      this.arrived = 0;
    }
  }

  /**
   * The sending socket closed gracefully (close, unbind): its pipe is gone, but what the kernel
   * already holds still arrives, as a closed TCP socket sends its buffer before the FIN.
   */
  closeGracefully(reason: DropReason): void {
    if (this.cut || this.draining) return;
    if (!this.connected) return this.cutOff(reason, false);
    this.draining = true;
    this.dropFrom(this.wireEnd, reason);
  }

  /** The connecting side's pipe, taken out to survive the connection (see adopt). */
  takePipe(): CarriedPipe {
    const from = this.wireEnd;
    const carried = { msgs: this.msgs.slice(from), ids: this.ids.slice(from) };
    for (const a of [this.msgs, this.times, this.ids] as unknown[][]) a.length = from;
    return carried;
  }

  /** A new connection's channel takes over the pipe of the one that broke, in order. */
  adopt(pipe: CarriedPipe): void {
    for (let i = 0; i < pipe.msgs.length; i++) {
      const message = pipe.msgs[i];
      if (message === undefined) continue;
      this.msgs.push(message);
      this.times.push(NaN);
      this.ids.push(pipe.ids[i] as number);
    }
    if (this.connected) this.pump();
  }
}
