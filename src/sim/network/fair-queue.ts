// A socket's receive side: the channels holding arrived messages, read round-robin one
// message at a time (ZeroMQ's fair queueing), so one chatty peer cannot starve the others.

import type { Message } from '../../core/transport.js';
import type { Channel } from './channel.js';

const COMPACT_MIN = 1024;

export class FairQueue {
  private items: (Channel | undefined)[] = [];
  private head = 0;
  /** The channel the last message from `next` came from. */
  lastChannel: Channel | undefined;

  /** A channel has arrived messages: queue it unless it already is. */
  add(channel: Channel): void {
    if (channel.inReady) return;
    channel.inReady = true;
    this.items.push(channel);
  }

  /** One message from the channel at the head, which then goes to the back if it has more. */
  next(): Message | undefined {
    const items = this.items;
    while (this.head < items.length) {
      const channel = items[this.head] as Channel;
      items[this.head++] = undefined;
      channel.inReady = false;
      const message = channel.take();
      // take() may have resumed a stalled flush that already queued the channel again.
      if (channel.arrived > 0) this.add(channel);
      if (this.head >= COMPACT_MIN && this.head * 2 >= items.length) {
        items.splice(0, this.head);
        this.head = 0;
      }
      if (message === undefined) continue;
      this.lastChannel = channel;
      return message;
    }
    return undefined;
  }
}
