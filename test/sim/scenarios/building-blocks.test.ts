// Proves the public building blocks of toto-ts/sim work on the simulated network as scenarios use them: a ROUTER echo server (receiveLoop + SendQueue + text) and a RetryingClient settle every call once through a partition (the stalled original and retries answered, the extras counted late), a call to a dead server fails with a TimeoutError after attemptsMax attempts, the SendQueue drops its oldest past messagesMax, ctx.host is typed from the hosts map, and a host's loop speaks the IOLoop's names; bad options read "expected X, got Y".
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Socket } from '../../../src/core/transport.js';
import type { FaultPlan, History } from '../../../src/sim/index.js';
import {
  assertHistory,
  defineScenario,
  receiveLoop,
  RetryingClient,
  runScenario,
  SendQueue,
  text,
  textFrame,
  type ScenarioHostContext,
} from '../../../src/sim/index.js';

class EchoServer {
  answered = 0;
  readonly queue: SendQueue;
  private readonly socket: Socket;

  constructor(ctx: ScenarioHostContext) {
    this.socket = ctx.transport.socket('router');
    this.queue = new SendQueue(this.socket, { logger: ctx.logger });
    void this.socket.bind('tcp://*:5555').then(() =>
      receiveLoop(this.socket, ([identity, id, body]) => {
        this.answered++;
        if (identity !== undefined) this.queue.send([identity, textFrame(text(id)), textFrame(`echo ${text(body)}`)]);
      }),
    );
  }
}

interface EchoOptions {
  faults?: FaultPlan;
  seen?: (client: RetryingClient, server: EchoServer) => void;
  invariants?: (history: History) => void;
}

function echoScenario(name: string, attemptsMax: number, options: EchoOptions = {}) {
  return defineScenario({
    name,
    hosts: {
      server: (ctx: ScenarioHostContext) => new EchoServer(ctx),
      client: (ctx: ScenarioHostContext) => new RetryingClient({ loop: ctx.loop, transport: ctx.transport, address: 'tcp://server:5555', attemptTimeoutMs: 50, attemptsMax }),
    },
    durationMs: 1000,
    faults: options.faults ?? [],
    workload: async (ctx) => {
      const client = ctx.host('client');
      if (options.seen) options.seen(client, ctx.host('server'));
      // Typed from the hosts map, without a cast or a type argument (checked by tsc, never run).
      const typed = (): void => {
        expectTypeOf(client).toEqualTypeOf<RetryingClient>();
        expectTypeOf(ctx.host('server')).toEqualTypeOf<EchoServer>();
        // @ts-expect-error: a name not among the hosts gives never
        ctx.host('nosuch').call('x', 'y');
      };
      void typed;
      const calls = [];
      for (let i = 0; i < 10; i++) {
        calls.push(ctx.history.call(`c${i}`, () => client.call(`c${i}`, `hello ${i}`)));
        await ctx.sleep(20);
      }
      const outcomes = await Promise.all(calls);
      ctx.sim.sometimes(outcomes.every((o) => o.ok), 'every call answered');
    },
    invariants: (ctx) => (options.invariants ?? assertHistory)(ctx.history),
  });
}

describe('RetryingClient, SendQueue, receiveLoop, text', () => {
  it('settle every call exactly once through a partition that stalls the connection', async () => {
    let client: RetryingClient | undefined;
    let server: EchoServer | undefined;
    const faults: FaultPlan = [{ kind: 'partition', atMs: 30, durationMs: 300, sideA: ['client'], sideB: ['server'] }];
    const scenario = echoScenario('echo', 40, { faults, seen: (c, s) => ((client = c), (server = s)) });
    const r = await runScenario(scenario, { seed: 3 });
    expect(r.error?.message).toBeUndefined();
    expect(r.sometimes.never).toEqual([]);
    const oks = r.sometimes.hits;
    expect(oks['every call answered']).toBe(1);
    // The stall held the original and its retries; after the heal the server answered each.
    expect(client?.retries).toBeGreaterThan(0);
    expect(client?.lateReplies).toBeGreaterThan(0);
    expect(server?.answered).toBe(10 + (client?.retries ?? 0));
    expect(client?.pendingCount).toBe(0);
  });

  it('fails a call with a TimeoutError after attemptsMax attempts when the server is gone', async () => {
    const scenario = echoScenario('echo-dead', 3, {
      faults: [{ kind: 'crash', atMs: 0, host: 'server' }],
      invariants: (history) => {
        const failed = history.entries.filter((e) => e.type === 'fail');
        expect(failed).toHaveLength(10);
        expect(failed[0]?.data).toBe('call c0: no reply after 3 attempt(s) of 50ms (TIMEOUT -1)');
        expect(failed[0]?.tMs).toBeCloseTo(150, 0);
      },
    });
    const r = await runScenario(scenario, { seed: 1 });
    expect(r.error?.message).toBeUndefined();
  });

  it('SendQueue keeps at most messagesMax, dropping the oldest', async () => {
    const r = await runScenario(
      defineScenario({
        name: 'queue-bound',
        hosts: {
          a: (ctx: ScenarioHostContext) => {
            // A DEALER with a send high-water mark of 1 whose peer never binds: while message 0 is
            // being sent, 1-4 queue in a queue of 2, so 1 and 2 are dropped; 0 fills the pipe and
            // the send of 3 waits for room, leaving 4 queued.
            const socket = ctx.transport.socket('dealer', { sendHighWaterMark: 1 });
            socket.connect('tcp://b:1');
            const queue = new SendQueue(socket, { messagesMax: 2 });
            for (let i = 0; i < 5; i++) queue.send([textFrame(String(i))]);
            return queue;
          },
          b: () => undefined,
        },
        durationMs: 10,
        workload: (ctx) => {
          const queue = ctx.host('a');
          expect(queue.dropped).toBe(2);
          expect(queue.length).toBe(1);
        },
      }),
      { seed: 1 },
    );
    expect(r.error?.message).toBeUndefined();
  });

  it('text reads a missing frame as empty and round-trips UTF-8', () => {
    expect(text(undefined)).toBe('');
    expect(text(textFrame('héllo ✓'))).toBe('héllo ✓');
    expect(() => textFrame(3 as never)).toThrow('textFrame: expected a string, got number');
  });

  it('refuses bad options with the option named', () => {
    const loop = { now: () => 0, callAt: () => ({ deadlineMs: 0 }), callLater: () => ({ deadlineMs: 0 }), addCallback: () => ({ deadlineMs: 0 }), cancel: () => {} };
    const transport = { socket: () => ({}) } as never;
    expect(() => new RetryingClient(undefined as never)).toThrow('RetryingClient options: expected an options object');
    expect(() => new RetryingClient({ loop, transport, address: '', attemptTimeoutMs: 10, attemptsMax: 1 })).toThrow('address');
    expect(() => new RetryingClient({ loop, transport, address: 'tcp://a:1', attemptTimeoutMs: 0, attemptsMax: 1 })).toThrow('attemptTimeoutMs');
    expect(() => new RetryingClient({ loop, transport, address: 'tcp://a:1', attemptTimeoutMs: 10, attemptsMax: 1.5 })).toThrow('attemptsMax');
    expect(() => new RetryingClient({ loop, transport: null as never, address: 'tcp://a:1', attemptTimeoutMs: 10, attemptsMax: 1 })).toThrow('transport: expected a TransportPort');
    expect(() => new RetryingClient({ loop, transport, address: 'tcp://a:1', attemptTimeoutMs: 10, attemptsMax: 1, retries: 2 } as never)).toThrow('unknown option "retries"');
    expect(() => new SendQueue(null as never)).toThrow('socket: expected a socket from transport.socket(...), got null');
    expect(() => new SendQueue({ send: () => Promise.resolve() } as never, { messagesMax: 0 })).toThrow('messagesMax');
    expect(() => receiveLoop({ receive: () => Promise.resolve([]) } as never, 'x' as never)).rejects.toThrow('onMessage');
  });
});

describe("a host's loop speaks the IOLoop's names", () => {
  it('time, addTimeout (absolute and relative) and removeTimeout', async () => {
    const seen: string[] = [];
    const r = await runScenario(
      defineScenario({
        name: 'loop-names',
        hosts: {
          a: (ctx: ScenarioHostContext) => {
            const loop = ctx.loop;
            expect(loop.time()).toBe(loop.now());
            loop.addTimeout(loop.time() + 30, () => seen.push(`abs ${Math.round(loop.time())}`));
            loop.addTimeout({ delayMs: 10 }, () => seen.push(`rel ${Math.round(loop.time())}`));
            const removed = loop.addTimeout({ delayMs: 20 }, () => seen.push('removed ran'));
            loop.removeTimeout(removed);
            expect(() => loop.addTimeout('soon' as never, () => {})).toThrow('deadline: expected a number (absolute ms) or { delayMs }, got "soon"');
          },
        },
        durationMs: 100,
        workload: () => {},
      }),
      { seed: 1 },
    );
    expect(r.error?.message).toBeUndefined();
    expect(seen).toEqual(['rel 10', 'abs 30']);
  });
});
