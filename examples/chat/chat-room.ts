// The chat room of Toto's chat template, on the ports only, so the real example (server.ts: one
// room per server process, HTTP in front) and the simulated scenario (scenarios/chat.scenario.ts) run this
// same code. A message posted to any server is broadcast as the event 'chat.message' to every
// server (itself included); each server keeps the room's history and answers long polls from it.
//
// As in Toto's template, a long poll waits with a one-shot event handler tied to its request
// (`until`): once the request has finished (answered, timed out, the client went away), the
// handler no longer fires. Each message carries its origin server and a per-origin sequence
// number, so a history is checkable: nothing twice, nothing invented, each origin in order.

import type { EventManager } from '../../src/core/event-manager.js';
import type { LoopPort } from '../../src/core/ports.js';

export const CHAT_EVENT = 'chat.message';

export interface ChatMessage {
  /** `<origin>:<seq>`: unique in the room. */
  id: string;
  /** The server it was posted to. */
  origin: string;
  /** 1, 2, 3, ... per origin. */
  seq: number;
  user: string;
  text: string;
}

export interface ChatRoomOptions {
  events: EventManager;
  loop: LoopPort;
  /** This server's name (the origin of what is posted here). */
  name: string;
  /** Messages kept; older ones are forgotten (a poll from before them starts at the oldest kept). Default 1000. */
  historyMax?: number;
  /** Longest text accepted. Default 2000. */
  textMax?: number;
}

/** What a poll returns: the messages after `since`, and the `since` of the next poll. */
export interface ChatPoll {
  messages: ChatMessage[];
  next: number;
}

export class ChatRoom {
  private readonly events: EventManager;
  private readonly loop: LoopPort;
  readonly name: string;
  private readonly historyMax: number;
  private readonly textMax: number;
  private readonly history: ChatMessage[] = [];
  /** Messages ever appended (history[0] is number `appended - history.length`). */
  private appended = 0;
  private readonly seen = new Set<string>();
  private seq = 0;

  constructor(options: ChatRoomOptions) {
    this.events = options.events;
    this.loop = options.loop;
    this.name = options.name;
    this.historyMax = options.historyMax ?? 1000;
    this.textMax = options.textMax ?? 2000;
    this.events.registerHandler(CHAT_EVENT, (message: unknown) => this.receive(message), { persist: true });
  }

  /** Posts a message: broadcast to every server of the room (this one too). */
  post(user: string, text: string): ChatMessage {
    if (typeof user !== 'string' || user.trim() === '' || user.length > 100) throw new RangeError(`user: expected a name of 1 to 100 characters, got ${JSON.stringify(user)}`);
    if (typeof text !== 'string' || text.length > this.textMax) throw new RangeError(`text: expected a string of at most ${this.textMax} characters`);
    this.seq += 1;
    const message: ChatMessage = { id: `${this.name}:${this.seq}`, origin: this.name, seq: this.seq, user, text };
    this.events.send(CHAT_EVENT, message);
    return message;
  }

  /** The messages this server has, in the order they arrived here. */
  get messages(): readonly ChatMessage[] {
    return this.history;
  }

  /** The messages after number `since` (0 = from the start), at once. */
  poll(since: number): ChatPoll {
    const first = this.appended - this.history.length;
    const from = Math.max(0, Math.min(since, this.appended) - first);
    return { messages: this.history.slice(from), next: this.appended };
  }

  /**
   * A long poll: the messages after `since` once there are any, or none after `timeoutMs`. The
   * waiting handler is tied to the request: once it has finished (`request.finished`, as the
   * HTTP layer sets when the client goes away) it never fires.
   */
  wait(since: number, timeoutMs: number, request: { finished: boolean } = { finished: false }): Promise<ChatPoll> {
    const now = this.poll(since);
    if (now.messages.length > 0 || request.finished) return Promise.resolve(now);
    return new Promise((resolve) => {
      // One-shot (Toto's default): it fires for the next message, then is gone. The message is
      // appended by the persistent handler registered first, so the poll below includes it.
      const handle = this.events.registerHandler(
        CHAT_EVENT,
        () => {
          request.finished = true;
          this.loop.cancel(timer);
          resolve(this.poll(since));
        },
        { until: request },
      );
      const timer = this.loop.callLater(timeoutMs, () => {
        request.finished = true;
        this.events.removeHandler(handle);
        resolve(this.poll(since));
      });
    });
  }

  private receive(message: unknown): void {
    if (!isChatMessage(message) || this.seen.has(message.id)) return;
    this.seen.add(message.id);
    this.history.push(message);
    this.appended += 1;
    if (this.history.length > this.historyMax) this.seen.delete((this.history.shift() as ChatMessage).id);
  }
}

function isChatMessage(value: unknown): value is ChatMessage {
  const m = value as Partial<ChatMessage> | null;
  return m !== null && typeof m === 'object' && typeof m.id === 'string' && typeof m.origin === 'string' && typeof m.seq === 'number' && typeof m.user === 'string' && typeof m.text === 'string';
}
