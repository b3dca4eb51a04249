// The hosts of the event scenarios. A server is an EventManager listening on tcp://*:7000 whose
// persistent 'tick' handler appends each event to a log on the host's disk (so what it handled
// before a crash is still known after), checking on the spot that no event comes twice. The
// sender is an EventManager with every server registered; its transport is observed, so the
// connection breaks its PUSH sockets report ('disconnect', as zeromq.js's socket.events) are
// recorded with their virtual time: the checker reads what a broken connection may have lost
// from what the sockets themselves saw, not from the fault plan.

import { EventManager, type TransportPort } from 'toto-ts';
import type { ScenarioHostContext } from 'toto-ts/sim';

export const EVENT_PORT = 7000;
export const serverAddress = (host: string): string => `tcp://${host}:${EVENT_PORT}`;

/** One event as a server handled it. */
export interface Received {
  id: number;
  tMs: number;
  incarnation: number;
}

/** One connection break the sender's PUSH to `server` reported. */
export interface Break {
  server: string;
  tMs: number;
}

/** What the workload sent: event `id` was queued for these servers at `tMs`. */
export interface Sent {
  id: number;
  to: string[];
  tMs: number;
  broadcast: boolean;
  /** Copies a lossy link dropped or duplicated as it was sent (the network's counters around the send). */
  lossy?: { dropped: number; duplicated: number };
}

export interface EventServerOptions {
  /** Whether the same event arriving twice fails the run at once (true unless a link duplicates). */
  atMostOnce: boolean;
  /** A planted bug for the checker's own test: ids this server's handler ignores. */
  ignoreIds?: ReadonlySet<number>;
}

/** The log of events a server handled, on its disk (it survives crashes). */
export function receivedLog(disk: Map<string, unknown>): Received[] {
  let log = disk.get('received') as Received[] | undefined;
  if (log === undefined) disk.set('received', (log = []));
  return log;
}

export function eventServer(ctx: ScenarioHostContext, options: EventServerOptions): EventManager {
  const events = new EventManager({ transport: ctx.transport, loop: ctx.loop, random: ctx.random, logger: ctx.logger, address: `tcp://*:${EVENT_PORT}` });
  const log = receivedLog(ctx.disk);
  const seen = new Set(log.map((r) => r.id));
  events.registerHandler(
    'tick',
    ({ id }: { id: number }) => {
      if (options.ignoreIds?.has(id)) return;
      if (options.atMostOnce) ctx.sim.always(!seen.has(id), `at most once per server: ${ctx.name} handled event ${id} twice`, { id });
      seen.add(id);
      log.push({ id, tMs: ctx.sim.now(), incarnation: ctx.incarnation });
    },
    { persist: true },
  );
  // A bind refused here would leave a server that hears nothing: that fails the run, saying so.
  events.startListening().catch((error: unknown) => ctx.sim.always(false, `${ctx.name} listens on ${events.address}`, { error: String(error) }));
  return events;
}

export interface EventSender {
  events: EventManager;
  breaks: Break[];
}

export function eventSender(ctx: ScenarioHostContext, servers: readonly string[]): EventSender {
  const breaks: Break[] = [];
  const byAddress = new Map(servers.map((s) => [serverAddress(s), s]));
  const observed: TransportPort = {
    httpListen: (address, handler) => ctx.transport.httpListen(address, handler),
    httpRequest: (url, options) => ctx.transport.httpRequest(url, options),
    socket(type, options) {
      const socket = ctx.transport.socket(type, options);
      socket.events.on('disconnect', (event) => {
        const server = byAddress.get(event.address);
        if (server !== undefined) breaks.push({ server, tMs: ctx.sim.now() });
      });
      return socket;
    },
  };
  const events = new EventManager({ transport: observed, loop: ctx.loop, random: ctx.random, logger: ctx.logger });
  for (const server of servers) events.registerServer(serverAddress(server));
  return { events, breaks };
}
