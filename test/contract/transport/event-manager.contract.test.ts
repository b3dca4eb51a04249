// Proves EventManager's delivery in every world (sim, tcp, ipc, inproc and the simulation over ipc and inproc): a broadcast reaches each of three servers exactly once, non-broadcast events split evenly in a round-robin order that refreshServerQueue reshuffles, sendToServer reaches one server, a removed server gets nothing more, events queued before a server listens arrive once it does, and a Toto peer's JSON frames (plain or zlib) are read and ours are Toto's; events sent while a server is away arrive when it listens again (stream worlds).
import { expect } from 'vitest';
import { createZlibCompression } from '../../../src/adapters/codec-zlib.js';
import { jsonSerialization } from '../../../src/core/codec.js';
import type { TransportPort } from '../../../src/core/transport.js';
import { EVERY_STREAM_WORLD, EVERY_WORLD, describeWorlds } from './worlds.js';
import { withEventRig } from './event-manager-rig.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const counts = (got: [string, unknown][]): number => got.length;

describeWorlds('EventManager: a broadcast reaches each of three servers exactly once', EVERY_WORLD, (w) =>
  withEventRig(w, async (rig) => {
    const { servers, client } = await rig.cluster();
    for (let i = 0; i < 5; i++) expect(client.send('tick', { i })).toEqual(servers.map((s) => s.address));
    await w.waitFor(() => servers.every((s) => s.got.length >= 5), { what: 'five broadcasts at every server' });
    await w.sleep(50);
    for (const server of servers) expect(server.got).toEqual([0, 1, 2, 3, 4].map((i) => ['tick', { i }]));
    await client.flush();
    expect(client.stats).toMatchObject({ sent: 15, queued: 0, sendFailures: 0, dropped: 0 });
    expect(servers.map((s) => s.events.stats)).toEqual(servers.map(() => expect.objectContaining({ received: 5, handled: 5, malformed: 0, unhandled: 0 })));
  }),
);

describeWorlds('EventManager: non-broadcast events split evenly in a shuffled round-robin order; refreshServerQueue reshuffles it', EVERY_WORLD, (w) =>
  withEventRig(w, async (rig) => {
    const { servers, client } = await rig.cluster();
    const targets: string[] = [];
    for (let i = 0; i < 30; i++) targets.push(...client.send('tick', { i }, { broadcast: false }));
    await w.waitFor(() => servers.reduce((sum, s) => sum + counts(s.got), 0) === 30, { what: '30 events delivered' });
    expect(servers.map((s) => s.got.length)).toEqual([10, 10, 10]);
    // Each cycle of three visits every server once, in the same order.
    const cycle = targets.slice(0, 3);
    expect(new Set(cycle).size).toBe(3);
    for (let i = 0; i < 30; i++) expect(targets[i]).toBe(cycle[i % 3]);
    // Each server got exactly the events the returned addresses name, in order.
    for (const server of servers) {
      expect(server.got.map(([, args]) => (args as { i: number }).i)).toEqual(targets.flatMap((t, i) => (t === server.address ? [i] : [])));
    }
    // Reshuffling draws from the injected random: over a few refreshes another order comes up.
    const orders = new Set<string>();
    for (let r = 0; r < 12; r++) {
      client.refreshServerQueue();
      orders.add([0, 1, 2].map(() => client.send('tick', {}, { broadcast: false })[0]).join(' '));
    }
    expect(orders.size).toBeGreaterThan(1);
  }),
);

describeWorlds('EventManager: sendToServer reaches one server; a removed server gets nothing more', EVERY_WORLD, (w) =>
  withEventRig(w, async (rig) => {
    const { servers, client } = await rig.cluster();
    const [a, b, c] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    client.sendToServer(b.address, 'tick', 'only b');
    client.removeServer(a.address);
    expect(client.servers).toEqual([b.address, c.address]);
    client.send('tick', 'after a left');
    await w.waitFor(() => b.got.length === 2 && c.got.length === 1, { what: 'b got two events, c one' });
    await w.sleep(100);
    expect(a.got).toEqual([]);
    expect(b.got).toEqual([
      ['tick', 'only b'],
      ['tick', 'after a left'],
    ]);
    expect(c.got).toEqual([['tick', 'after a left']]);
    client.removeAllServers();
    expect(client.send('tick', 'to nobody')).toEqual([]);
    expect(client.servers).toEqual([]);
  }),
);

describeWorlds('EventManager: events sent before a server listens arrive once it binds (the PUSH keeps them)', EVERY_WORLD, (w) =>
  withEventRig(w, async (rig) => {
    const address = await w.address('late', 'events');
    const client = rig.manager('client');
    client.registerServer(address);
    for (let i = 0; i < 20; i++) client.send('tick', i);
    await w.sleep(200);
    const late = rig.manager('late', { address });
    const got: unknown[] = [];
    late.registerHandler('tick', (i) => void got.push(i), { persist: true });
    await late.startListening();
    await w.waitFor(() => got.length === 20, { what: 'the 20 early events' });
    expect(got).toEqual([...Array(20).keys()]);
  }),
);

describeWorlds("EventManager speaks Toto's frame: one frame of serialized {name, args}, plain JSON or zlib-compressed", EVERY_WORLD, (w) =>
  withEventRig(w, async (rig) => {
    const zlib = createZlibCompression();
    for (const compression of ['none', 'zlib'] as const) {
      const codecs = compression === 'zlib' ? { serialization: jsonSerialization, compression: zlib } : undefined;
      const server = await rig.server(`s-${compression}`, ['chat'], codecs ? { codecs } : {});
      // A Toto peer sending {"name": ..., "args": ...} the way Toto's send() did.
      const toto = w.socket(`toto-${compression}`, 'push');
      toto.connect(server.address);
      const json = encoder.encode('{"name": "chat", "args": {"text": "hi", "n": [1, 2]}}');
      await toto.send(compression === 'zlib' ? zlib.compress(json) : json);
      await w.waitFor(() => server.got.length === 1, { what: `the Toto peer's event (${compression})` });
      expect(server.got).toEqual([['chat', { text: 'hi', n: [1, 2] }]]);
      // And what we send is what Toto's receive loop loads.
      const pull = w.socket(`toto-${compression}`, 'pull');
      const address = await w.address(`toto-${compression}`, 'toto-events');
      await pull.bind(address);
      const client = rig.manager('client', codecs ? { codecs } : {});
      client.registerServer(address);
      client.send('chat', { text: 'yo' });
      const frames = await pull.receive();
      expect(frames).toHaveLength(1);
      const bytes = compression === 'zlib' ? zlib.decompress(frames[0] as Uint8Array) : (frames[0] as Uint8Array);
      expect(JSON.parse(decoder.decode(bytes))).toEqual({ name: 'chat', args: { text: 'yo' } });
    }
  }),
);

describeWorlds('EventManager: startListening on tcp://host:* binds a free port, reported by lastEndpoint', ['sim', 'tcp'], (w) =>
  withEventRig(w, async (rig) => {
    const server = rig.manager('a', { address: w.anyPort('a') });
    expect(server.lastEndpoint).toBe(null);
    const listening = server.startListening();
    expect(server.startListening()).toBe(listening);
    await listening;
    expect(server.lastEndpoint).toMatch(/^tcp:\/\/.+:\d+$/);
    const got: unknown[] = [];
    server.registerHandler('tick', (args) => void got.push(args));
    const client = rig.manager('client');
    client.registerServer(server.lastEndpoint as string);
    client.send('tick', 'x');
    await w.waitFor(() => got.length === 1);
    expect(() => (server.address = 'tcp://a:1')).toThrow(/^address: cannot change once listening/);
  }),
);

describeWorlds('EventManager: events sent while a server is away arrive once it listens at its address again (the PUSH keeps its pipe)', EVERY_STREAM_WORLD, (w) =>
  withEventRig(w, async (rig) => {
    const first = await rig.server('a');
    // The client's sockets, watched for the break: an event written to the old connection before
    // the PUSH saw it close is lost with it (what a broken connection loses); this case is about
    // the events sent once the server is known to be away.
    const disconnects: string[] = [];
    const transport = w.transport('client');
    const watched: TransportPort = {
      httpListen: (address, handler, options) => transport.httpListen(address, handler, options),
      httpRequest: (url, options) => transport.httpRequest(url, options),
      socket(type, options) {
        const socket = transport.socket(type, options);
        socket.events.on('disconnect', (event) => disconnects.push(event.address));
        return socket;
      },
    };
    const client = rig.manager('client', { transport: watched });
    client.registerServer(first.address);
    client.send('tick', 'before');
    await w.waitFor(() => first.got.length === 1, { what: 'the event before the restart' });
    await first.events.close();
    await w.waitFor(() => disconnects.length > 0, { what: "the client's PUSH saw the server go", timeoutMs: 10_000 });
    for (let i = 0; i < 10; i++) client.send('tick', i);
    await client.flush();
    await w.sleep(300);
    const again = rig.manager('a', { address: first.address });
    const got: unknown[] = [];
    again.registerHandler('tick', (args) => void got.push(args), { persist: true });
    await again.startListening();
    await w.waitFor(() => got.length === 10, { what: 'the ten events sent while it was away', timeoutMs: 10_000 });
    await w.sleep(50);
    expect(got).toEqual([...Array(10).keys()]);
    expect(client.stats).toMatchObject({ sendFailures: 0, dropped: 0 });
  }),
);
