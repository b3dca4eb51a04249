// The simulated socket events: observed lazily, delivered in a later event of the socket's host, bounded at 1000 waiting, EBUSY on a second receive, listeners removable and their errors traced, 'end' once then EBADF.
import { describe, expect, it } from 'vitest';
import type { SocketEvent } from '../../../src/core/transport.js';
import { SOCKET_EVENTS_BUFFERED_MAX } from '../../../src/sim/network/socket-events-sim.js';
import { newTrace, track, world } from './helpers.js';

describe('socket events (simulated)', () => {
  it('reports nothing before the first use, then bind/accept/handshake on one side and connect:delay/connect/handshake on the other', async () => {
    const { kernel, t } = world();
    const pull = t('b').socket('pull');
    await pull.bind('tcp://b:7000'); // not observed yet: not reported
    const seen: string[] = [];
    pull.events.on('accept', (e) => seen.push(`pull:${e.type}:${e.address}`));
    pull.events.on('handshake', (e) => seen.push(`pull:${e.type}`));
    const push = t('a').socket('push');
    const pushEvents: SocketEvent[] = [];
    for (const type of ['connect:delay', 'connect', 'handshake'] as const) push.events.on(type, (e) => pushEvents.push(e));
    push.connect('tcp://b:7000');
    // Delivered in a later event, never inside the call that caused it.
    expect(pushEvents).toEqual([]);
    await kernel.run();
    expect(seen).toEqual(['pull:accept:tcp://b:7000', 'pull:handshake']);
    expect(pushEvents.map((e) => e.type)).toEqual(['connect:delay', 'connect', 'handshake']);
    expect(pushEvents.every((e) => e.address === 'tcp://b:7000')).toBe(true);
  });

  it('keeps the newest 1000 waiting events, throws EBUSY on a second receive, ends with end then EBADF', async () => {
    const { kernel, t } = world();
    const push = t('a').socket('push', { reconnectIntervalMs: 10 });
    const events = push.events;
    const first = track(events.receive());
    expect(() => events.receive()).toThrow(expect.objectContaining({ code: 'EBUSY' }) as Error);
    push.connect('tcp://b:7000'); // nobody there: a try every 10-20 ms, each 3 events
    await kernel.run({ forMs: 10_000 });
    expect(first.value?.type).toBe('connect:delay');
    let waiting = 0;
    let last: SocketEvent | undefined;
    push.close();
    await kernel.run({ forMs: 1 });
    for (;;) {
      const next = track(events.receive());
      await Promise.resolve();
      await Promise.resolve();
      if (!next.settled || next.error) break;
      waiting++;
      last = next.value;
    }
    expect(waiting).toBe(SOCKET_EVENTS_BUFFERED_MAX);
    expect(last?.type).toBe('end');
    await expect(events.receive()).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('a listener can be removed; one that throws is traced and the others still run', async () => {
    const trace = newTrace();
    const { kernel, t } = world(['a', 'b'], 1, trace);
    const pull = t('b').socket('pull');
    const calls: string[] = [];
    const stop = pull.events.on('bind', () => calls.push('removed'));
    pull.events.on('bind', () => {
      throw new Error('listener bug');
    });
    pull.events.on('bind', () => calls.push('kept'));
    stop();
    await pull.bind('tcp://b:7001');
    await kernel.run();
    expect(calls).toEqual(['kept']);
    expect(trace.kept().some((line) => line.includes('socket-event-listener-error'))).toBe(true);
  });

  it('observing a socket already closed reports only the end', async () => {
    const { kernel, t } = world();
    const pull = t('b').socket('pull');
    pull.close();
    const next = pull.events.receive();
    await kernel.run();
    expect((await next).type).toBe('end');
    await expect(pull.events.receive()).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('observing a socket does not change the run: retries reported while nobody is bound draw no numbers other traffic would get', async () => {
    const run = async (observe: boolean) => {
      const { kernel, t, net } = world(['a', 'b', 'c']);
      net.setLinkConditions({ latencyMs: { min: 1, max: 5 } });
      const lonely = t('a').socket('push');
      if (observe) lonely.events.on('connect:retry', () => undefined);
      lonely.connect('tcp://b:9'); // nobody binds there until 1000ms: it retries every 100ms or so meanwhile
      const pull = t('c').socket('pull');
      await pull.bind('tcp://*:8');
      const push = t('a').socket('push');
      push.connect('tcp://c:8');
      const arrivals: number[] = [];
      void (async () => {
        for (;;) {
          await pull.receive();
          arrivals.push(kernel.now());
        }
      })().catch(() => undefined);
      for (let i = 0; i < 20; i++) kernel.schedule(50 * i + 7, () => void push.send(`m${i}`));
      kernel.schedule(1000, () => void t('b').socket('pull').bind('tcp://*:9'));
      await kernel.run({ untilMs: 2000 });
      return arrivals;
    };
    const quiet = await run(false);
    expect(quiet).toHaveLength(20);
    expect(await run(true)).toEqual(quiet);
  });
});
