// Proves RouterIdempotency, the WorkerBalancer's window by call id: a request is forwarded once while in flight or stored, every identity that asked gets the reply, a stored reply answers later requests until its TTL, a forward older than inFlightMaxMs goes out again (liveness after a worker crash), a second reply is dropped, entries are bounded; bad options name themselves; and against a naive model over random operations it decides the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RouterIdempotency, type RequestDecision, type ReplyDecision } from '../../../src/core/router-idempotency.js';

const id = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const REPLY = [new Uint8Array(0), id('c1'), id('{"value":1}')];

function identities(decision: ReplyDecision): string[] {
  return decision.action === 'answer' ? decision.identities.map(str) : [];
}

describe('RouterIdempotency', () => {
  it('forwards an id once; requests while it is in flight wait, and the reply goes to every identity that asked', () => {
    const w = new RouterIdempotency({ ttlMs: 1000, inFlightMaxMs: Infinity });
    expect(w.onRequest('c1', id('alice'), 0)).toEqual({ action: 'forward' });
    expect(w.onRequest('c1', id('alice'), 10)).toEqual({ action: 'wait' });
    // A reconnected client has a new identity: it is answered too.
    expect(w.onRequest('c1', id('alice-2'), 20)).toEqual({ action: 'wait' });
    expect(w.stats).toMatchObject({ joins: 2, inFlight: 1, size: 0 });
    expect(identities(w.onReply('c1', id('alice'), REPLY, 30))).toEqual(['alice', 'alice-2']);
    expect(w.stats).toMatchObject({ inFlight: 0, size: 1 });
  });

  it('answers a later request from the stored reply until the TTL, then forwards it again', () => {
    const w = new RouterIdempotency({ ttlMs: 1000 });
    w.onRequest('c1', id('a'), 0);
    w.onReply('c1', id('a'), REPLY, 100);
    expect(w.onRequest('c1', id('b'), 1099)).toEqual({ action: 'reply', reply: REPLY });
    expect(w.stats.hits).toBe(1);
    expect(w.onRequest('c1', id('b'), 1100)).toEqual({ action: 'forward' });
    expect(w.stats).toMatchObject({ expirations: 1, inFlight: 1, size: 0 });
  });

  it('forwards again once the id has been in flight longer than inFlightMaxMs, keeping who waits', () => {
    const w = new RouterIdempotency({ ttlMs: 5000, inFlightMaxMs: 200 });
    w.onRequest('c1', id('a'), 0);
    expect(w.onRequest('c1', id('b'), 200)).toEqual({ action: 'wait' });
    expect(w.onRequest('c1', id('c'), 201)).toEqual({ action: 'forward' });
    expect(w.onRequest('c1', id('a'), 300)).toEqual({ action: 'wait' });
    expect(w.stats).toMatchObject({ reforwards: 1, joins: 2, inFlight: 1 });
    expect(identities(w.onReply('c1', id('c'), REPLY, 350))).toEqual(['a', 'b', 'c']);
    // The first forward answers too (it was slow, not lost): dropped, nobody gets it twice.
    expect(w.onReply('c1', id('a'), REPLY, 400)).toEqual({ action: 'drop' });
    expect(w.stats.duplicateReplies).toBe(1);
  });

  it('forgets a forward never answered after the TTL (default inFlightMaxMs); a reply after that is routed as is', () => {
    const w = new RouterIdempotency({ ttlMs: 1000 });
    expect(w.inFlightMaxMs).toBe(1000);
    w.onRequest('c1', id('a'), 0);
    expect(w.onRequest('c2', id('a'), 1000)).toEqual({ action: 'forward' });
    expect(w.stats).toMatchObject({ forgotten: 1, inFlight: 1 });
    expect(w.onReply('c1', id('a'), REPLY, 1001)).toEqual({ action: 'pass' });
    expect(w.onReply('never-seen', id('a'), REPLY, 1001)).toEqual({ action: 'pass' });
  });

  it('with inFlightMaxMs Infinity never forwards an id twice nor forgets it by time', () => {
    const w = new RouterIdempotency({ ttlMs: 10, inFlightMaxMs: Infinity });
    w.onRequest('c1', id('a'), 0);
    expect(w.onRequest('c1', id('a'), 1e9)).toEqual({ action: 'wait' });
    expect(w.stats).toMatchObject({ forgotten: 0, reforwards: 0, inFlight: 1 });
  });

  it('a forward that could not be sent leaves the id free: the next request is forwarded', () => {
    const w = new RouterIdempotency({ ttlMs: 1000, inFlightMaxMs: Infinity });
    w.onRequest('c1', id('a'), 0);
    w.forwardFailed('c1');
    w.forwardFailed('unknown');
    expect(w.stats.inFlight).toBe(0);
    expect(w.onRequest('c1', id('a'), 1)).toEqual({ action: 'forward' });
  });

  it('is bounded: past entriesMax the oldest stored reply goes first, then the oldest forward; requesters keep the latest', () => {
    const w = new RouterIdempotency({ ttlMs: 1e6, entriesMax: 2, requestersMax: 2 });
    w.onRequest('s', id('a'), 0);
    w.onReply('s', id('a'), REPLY, 1);
    w.onRequest('f1', id('a'), 2);
    w.onRequest('f2', id('a'), 3);
    expect(w.stats).toMatchObject({ evictions: 1, size: 0, inFlight: 2 });
    w.onRequest('f3', id('a'), 4);
    expect(w.stats).toMatchObject({ evictions: 2, inFlight: 2 });
    expect(w.onReply('f1', id('a'), REPLY, 5)).toEqual({ action: 'pass' });
    for (const who of ['b', 'c', 'd']) w.onRequest('f3', id(who), 6);
    expect(identities(w.onReply('f3', id('d'), REPLY, 7))).toEqual(['c', 'd']);
  });

  it('names a bad option and what it got', () => {
    expect(() => new RouterIdempotency(undefined as never)).toThrow('idempotency: expected an options object { ttlMs }, got undefined');
    expect(() => new RouterIdempotency({} as never)).toThrow('ttlMs: expected a finite number > 0, got undefined');
    expect(() => new RouterIdempotency({ ttlMs: 0 })).toThrow('ttlMs: expected a finite number > 0, got 0');
    expect(() => new RouterIdempotency({ ttlMs: 10, inFlightMaxMs: -1 })).toThrow('inFlightMaxMs: expected a number >= 0 (Infinity: never forward an id twice), got -1');
    expect(() => new RouterIdempotency({ ttlMs: 10, entriesMax: 0 })).toThrow(/^entriesMax: expected/);
    expect(() => new RouterIdempotency({ ttlMs: 10, requestersMax: 1.5 })).toThrow(/^requestersMax: expected/);
    expect(() => new RouterIdempotency({ ttlMs: 10, ttl: 5 } as never)).toThrow('idempotency options: unknown option "ttl"');
  });
});

/** The rules written the slow, obvious way (a scan per step, no eviction): what RouterIdempotency must decide. */
class NaiveWindow {
  private readonly entries = new Map<string, { stored: boolean; atMs: number; who: string[] }>();
  constructor(
    private readonly ttlMs: number,
    private readonly inFlightMaxMs: number,
  ) {}

  private expire(nowMs: number): void {
    const forgetAfter = Number.isFinite(this.inFlightMaxMs) ? Math.max(this.ttlMs, this.inFlightMaxMs) : Infinity;
    for (const [key, e] of this.entries) if (nowMs - e.atMs >= (e.stored ? this.ttlMs : forgetAfter)) this.entries.delete(key);
  }

  request(key: string, who: string, nowMs: number): string {
    this.expire(nowMs);
    const e = this.entries.get(key);
    if (e === undefined) {
      this.entries.set(key, { stored: false, atMs: nowMs, who: [who] });
      return 'forward';
    }
    if (e.stored) return 'reply';
    if (!e.who.includes(who)) e.who.push(who);
    if (nowMs - e.atMs <= this.inFlightMaxMs) return 'wait';
    e.atMs = nowMs;
    return 'forward';
  }

  reply(key: string, who: string, nowMs: number): string {
    this.expire(nowMs);
    const e = this.entries.get(key);
    if (e === undefined) return 'pass';
    if (e.stored) return 'drop';
    if (!e.who.includes(who)) e.who.push(who);
    const answer = `answer ${e.who.join(',')}`;
    this.entries.set(key, { stored: true, atMs: nowMs, who: [] });
    return answer;
  }
}

function show(decision: RequestDecision | ReplyDecision): string {
  return decision.action === 'answer' ? `answer ${decision.identities.map(str).join(',')}` : decision.action;
}

describe('RouterIdempotency against a naive model', () => {
  const op = fc.record({
    kind: fc.constantFrom('request', 'reply'),
    key: fc.constantFrom('c1', 'c2', 'c3'),
    who: fc.constantFrom('a', 'b', 'c'),
    advanceMs: fc.integer({ min: 0, max: 60 }),
  });
  it('makes the same decision at every step', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.constantFrom(50, 100), fc.constantFrom(0, 30, 100, Infinity), (ops, ttlMs, inFlightMaxMs) => {
        const real = new RouterIdempotency({ ttlMs, inFlightMaxMs, requestersMax: 10 });
        const model = new NaiveWindow(ttlMs, inFlightMaxMs);
        let nowMs = 0;
        for (const { kind, key, who, advanceMs } of ops) {
          nowMs += advanceMs;
          const got = kind === 'request' ? show(real.onRequest(key, id(who), nowMs)) : show(real.onReply(key, id(who), REPLY, nowMs));
          const want = kind === 'request' ? model.request(key, who, nowMs) : model.reply(key, who, nowMs);
          expect(got, `${kind} ${key} from ${who} at ${nowMs}ms`).toBe(want);
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 7), numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
    );
  });
});
