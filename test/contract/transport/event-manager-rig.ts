// Shared parts of the EventManager contract tests: managers made in a world (its transport per
// host, its loop, a seeded random, a recording logger), servers that record every event they
// handle, and teardown that closes them all.
import { EventManager, type EventManagerOptions } from '../../../src/core/event-manager.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';
import { worldLoop, type World } from './worlds.js';

export interface RecordingServer {
  host: string;
  events: EventManager;
  /** The address other managers register (the one it bound, with the port a `*` chose). */
  address: string;
  /** Every event handled by its persistent catch-all handlers, as [name, args]. */
  got: [string, unknown][];
}

export class EventRig {
  readonly loop: LoopPort;
  readonly logs: ContextLogLine[] = [];
  private readonly closeLoop: () => void;
  private readonly managers: EventManager[] = [];
  private seed = 1;

  constructor(readonly w: World) {
    ({ loop: this.loop, close: this.closeLoop } = worldLoop(w));
  }

  manager(host: string, options: Partial<EventManagerOptions> = {}): EventManager {
    const events = new EventManager({
      transport: this.w.transport(host),
      loop: this.loop,
      random: new Random(this.seed++),
      logger: loggerInto(this.logs),
      ...options,
    });
    this.managers.push(events);
    return events;
  }

  /** A listening manager on `host` whose persistent handlers record the events named in `names`. */
  async server(host: string, names: readonly string[] = ['tick'], options: Partial<EventManagerOptions> = {}): Promise<RecordingServer> {
    const address = await this.w.address(host, 'events');
    const events = this.manager(host, { address, ...options });
    const got: [string, unknown][] = [];
    for (const name of names) events.registerHandler(name, (args) => void got.push([name, args]), { persist: true });
    await events.startListening();
    return { host, events, address: events.lastEndpoint ?? address, got };
  }

  /** Three recording servers and a client manager that has registered them all. */
  async cluster(names: readonly string[] = ['tick']): Promise<{ servers: RecordingServer[]; client: EventManager }> {
    const servers = [await this.server('a', names), await this.server('b', names), await this.server('c', names)];
    const client = this.manager('client');
    for (const server of servers) client.registerServer(server.address);
    return { servers, client };
  }

  warnings(pattern: RegExp): ContextLogLine[] {
    return this.logs.filter((line) => pattern.test(line.message ?? ''));
  }

  async close(): Promise<void> {
    for (const events of this.managers) await events.close();
    this.closeLoop();
  }
}

export async function withEventRig(w: World, body: (rig: EventRig) => Promise<void>): Promise<void> {
  const rig = new EventRig(w);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}
