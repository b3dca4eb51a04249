// Proves EventManager's receiving side in the sim and on real zeromq.js (tcp, ipc, inproc): a handler fires once unless it persists, `until` (a request's `finished` or an AbortSignal) stops it, runOnMainLoop runs it from the loop, removeHandler stops it; a throwing or rejecting handler is logged and the next event is handled; malformed frames are counted, logged and dropped while good ones go on; on() streams events to for-await and ends on abort, break and close; close() ends everything and later calls fail with CLOSED.
import { expect } from 'vitest';
import { TotoError } from '../../../src/core/errors.js';
import { ALL_WORLDS, describeWorlds } from './worlds.js';
import { withEventRig } from './event-manager-rig.js';

const encoder = new TextEncoder();

describeWorlds('EventManager handlers: once, persist, until (request and AbortSignal), runOnMainLoop, removeHandler', ALL_WORLDS, (w) =>
  withEventRig(w, async (rig) => {
    const server = await rig.server('a', ['sync']);
    const { events } = server;
    const fired: string[] = [];
    // Registered first, it runs last: from the loop, after the handlers that run in the receive loop.
    events.registerHandler('news', (n) => void fired.push(`loop:${n}`), { persist: true, runOnMainLoop: true });
    events.registerHandler('news', (n) => void fired.push(`once:${n}`));
    events.registerHandler('news', (n) => void fired.push(`persist:${n}`), { persist: true });
    const request = { finished: false };
    events.registerHandler('news', (n) => void fired.push(`request:${n}`), { persist: true, until: request });
    const controller = new AbortController();
    const aborted = events.registerHandler('news', (n) => void fired.push(`signal:${n}`), { persist: true, until: controller.signal });
    const removed = events.registerHandler('news', (n) => void fired.push(`removed:${n}`), { persist: true });
    expect(events.removeHandler(removed)).toBe(true);
    expect(events.removeHandler(removed)).toBe(false);
    expect(removed.registered).toBe(false);

    const client = rig.manager('client');
    client.registerServer(server.address);
    // Events of one connection arrive in order: 'sync' after 'news' means 'news' was handled.
    const step = async (n: number): Promise<void> => {
      client.send('news', n);
      client.send('sync', n);
      await w.waitFor(() => server.got.length === n, { what: `sync ${n}` });
      await w.waitFor(() => fired.some((f) => f.startsWith(`loop:${n}`)), { what: `the loop handler of ${n}` });
    };
    await step(1);
    request.finished = true;
    controller.abort();
    expect(aborted.registered).toBe(false);
    await step(2);
    await step(3);
    expect(fired).toEqual(['once:1', 'persist:1', 'request:1', 'signal:1', 'loop:1', 'persist:2', 'loop:2', 'persist:3', 'loop:3']);
    // The request handler was removed when the event after its request finished came.
    expect(events.stats).toMatchObject({ expired: 1, handlerErrors: 0 });
  }),
);

describeWorlds('EventManager: a handler that throws or rejects is logged and the receive loop goes on', ALL_WORLDS, (w) =>
  withEventRig(w, async (rig) => {
    const server = await rig.server('a', ['after']);
    server.events.registerHandler('boom', () => {
      throw new Error('handler bug');
    }, { persist: true });
    server.events.registerHandler('boom', () => Promise.reject(new Error('async handler bug')), { persist: true });
    const client = rig.manager('client');
    client.registerServer(server.address);
    client.send('boom', 1);
    client.send('after', 2);
    await w.waitFor(() => server.got.length === 1 && server.events.stats.handlerErrors === 2, { what: 'the event after the failing handlers' });
    expect(server.got).toEqual([['after', 2]]);
    const lines = rig.warnings(/handler for "boom" failed/);
    expect(lines.map((l) => [l.level, (l.context.err as Error).message, l.context.event])).toEqual([
      ['error', 'handler bug', 'boom'],
      ['error', 'async handler bug', 'boom'],
    ]);
  }),
);

describeWorlds('EventManager: malformed frames are counted, logged (bounded) and dropped; good events go on', ALL_WORLDS, (w) =>
  withEventRig(w, async (rig) => {
    const server = await rig.server('a', ['ok']);
    const peer = w.socket('peer', 'push');
    peer.connect(server.address);
    const bad: (string | string[])[] = ['not json', '[1, 2]', '{"args": 1}', '{"name": 7}', '{"name": ""}', ['{"name": "ok"}', 'extra frame'], '\u00ff\u00fe'];
    for (const message of bad) await peer.send(Array.isArray(message) ? message : encoder.encode(message));
    // Twenty more: the log thins out after the first ten.
    for (let i = 0; i < 20; i++) await peer.send('junk');
    await peer.send('{"name": "ok", "args": "still here"}');
    await w.waitFor(() => server.got.length === 1, { what: 'the good event after the junk' });
    expect(server.got).toEqual([['ok', 'still here']]);
    expect(server.events.stats).toMatchObject({ received: 28, malformed: 27, handled: 1 });
    const lines = rig.warnings(/malformed frame dropped/);
    expect(lines.map((l) => l.context.malformedSoFar)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines.map((l) => l.context.code)).toEqual(['MALFORMED', 'BAD_SHAPE', 'BAD_SHAPE', 'BAD_SHAPE', 'BAD_SHAPE', 'BAD_FRAMES', 'MALFORMED', 'MALFORMED', 'MALFORMED', 'MALFORMED']);
    expect(lines[2]?.message).toBe('event manager: malformed frame dropped: event.name: expected a non-empty string, got undefined');
    expect(lines[5]?.message).toBe("event manager: malformed frame dropped: event: expected 1 frame (Toto's compressed {name, args}), got 2");
  }),
);

describeWorlds('EventManager.on: for-await streams events in order; abort, break and close end it', ALL_WORLDS, (w) =>
  withEventRig(w, async (rig) => {
    const server = await rig.server('a', []);
    const { events } = server;
    const client = rig.manager('client');
    client.registerServer(server.address);
    const controller = new AbortController();
    const aborted: unknown[] = [];
    const untilAbort = (async () => {
      for await (const args of events.on('tick', { signal: controller.signal })) {
        aborted.push(args);
        if (aborted.length === 3) controller.abort();
      }
    })();
    const broken: unknown[] = [];
    const untilBreak = (async () => {
      for await (const args of events.on('tick')) {
        broken.push(args);
        if (broken.length === 2) break;
      }
    })();
    const closed: unknown[] = [];
    const untilClose = (async () => {
      for await (const args of events.on('tick')) closed.push(args);
    })();
    for (let i = 0; i < 5; i++) client.send('tick', i);
    await w.waitFor(() => closed.length === 5, { what: 'five events streamed' });
    await untilAbort;
    await untilBreak;
    expect(aborted).toEqual([0, 1, 2]);
    expect(broken).toEqual([0, 1]);
    await events.close();
    await untilClose;
    expect(closed).toEqual([0, 1, 2, 3, 4]);
  }),
);

describeWorlds('EventManager.close: ends listening and sending; later calls fail with CLOSED', ALL_WORLDS, (w) =>
  withEventRig(w, async (rig) => {
    const server = await rig.server('a');
    const client = rig.manager('client');
    client.registerServer(server.address);
    client.send('tick', 1);
    await w.waitFor(() => server.got.length === 1);
    await server.events.close();
    await server.events.close();
    expect(server.events.closed).toBe(true);
    await client.close();
    const closed = (what: string) => new TotoError(-7, `${what}: the event manager is closed`);
    expect(() => client.send('tick', 2)).toThrow(closed('send'));
    expect(() => client.registerServer(server.address)).toThrow(closed('registerServer'));
    expect(() => client.sendToServer(server.address, 'tick', 1)).toThrow(closed('sendToServer'));
    expect(() => client.registerHandler('tick', () => undefined)).toThrow(closed('registerHandler'));
    await expect(client.startListening()).rejects.toThrow(closed('startListening'));
    expect(client.servers).toEqual([]);
  }),
);
