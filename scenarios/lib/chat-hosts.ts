// The hosts of the chat scenario: each server is the example's ChatRoom (examples/chat/chat-room.ts,
// the same code the real example runs) on an EventManager listening on tcp://*:7100 with every
// server registered, itself included. A second persistent handler logs each event as it arrives
// (before the room's own de-duplication) with its virtual time, on the host's disk, so the checker
// sees what the network delivered, not only what the room kept.

import { ChatRoom, CHAT_EVENT, type ChatMessage } from '../../examples/chat/chat-room.js';
import { EventManager } from 'toto-ts';
import type { ScenarioHostContext } from 'toto-ts/sim';

export const CHAT_PORT = 7100;
export const chatAddress = (host: string): string => `tcp://${host}:${CHAT_PORT}`;

/** One event as a server's socket delivered it. */
export interface Arrival {
  id: string;
  tMs: number;
}

export function arrivals(disk: Map<string, unknown>): Arrival[] {
  let log = disk.get('arrivals') as Arrival[] | undefined;
  if (log === undefined) disk.set('arrivals', (log = []));
  return log;
}

export interface ChatServerOptions {
  servers: readonly string[];
  /** A planted bug for the checker's own test: a configuration that leaves this server out of the room's list. */
  forget?: string;
}

export function chatServer(ctx: ScenarioHostContext, options: ChatServerOptions): ChatRoom {
  const events = new EventManager({ transport: ctx.transport, loop: ctx.loop, random: ctx.random, logger: ctx.logger, address: `tcp://*:${CHAT_PORT}` });
  const log = arrivals(ctx.disk);
  const room = new ChatRoom({ events, loop: ctx.loop, name: ctx.name });
  events.registerHandler(CHAT_EVENT, (message: ChatMessage) => void log.push({ id: message.id, tMs: ctx.sim.now() }), { persist: true });
  void events.startListening();
  for (const server of options.servers) if (server !== options.forget) events.registerServer(chatAddress(server));
  return room;
}
