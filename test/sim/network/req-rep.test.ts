// REQ/REP envelopes and alternation (out-of-turn calls wait, as in zeromq.js), REQ to ROUTER layout, and Toto's DEALER ['', id, payload] to REP wire layout.
import { describe, expect, it } from 'vitest';
import { text, track, world } from './helpers.js';

describe('REQ/REP', () => {
  it('REQ adds and REP strips the empty delimiter; replies come back through the envelope', async () => {
    const { kernel, t } = world();
    const rep = t('b').socket('rep');
    await rep.bind('tcp://*:7000');
    const req = t('a').socket('req');
    req.connect('tcp://b:7000');
    await req.send(['ping', '1']);
    const answer = track(req.receive());
    await kernel.run();
    expect(text(await rep.receive())).toEqual(['ping', '1']);
    await rep.send('pong');
    await kernel.run();
    expect(text(answer.value!)).toEqual(['pong']);
  });

  it('out-of-turn calls wait for their turn instead of raising EFSM (zeromq.js never raises it)', async () => {
    const { kernel, t } = world();
    const rep = t('b').socket('rep');
    await rep.bind('tcp://*:7000');
    const req = t('a').socket('req');
    req.connect('tcp://b:7000');
    const early = track(req.receive());
    const repEarly = track(rep.send('early'));
    await req.send('one');
    const two = track(req.send('two'));
    await kernel.run();
    expect(early.settled || repEarly.settled || two.settled).toBe(false);
    expect(text(await rep.receive())).toEqual(['one']);
    // The REP's early send was waiting for a request: it is the reply to 'one'.
    await kernel.run();
    expect(repEarly.settled).toBe(true);
    expect(text(early.value!)).toEqual(['early']);
    // Now the REQ's second request goes out, and a REP receive while a reply is owed waits.
    expect(two.settled).toBe(true);
    expect(text(await rep.receive())).toEqual(['two']);
    const owed = track(rep.receive());
    await kernel.run();
    expect(owed.settled).toBe(false);
  });

  it('a REQ talking to a ROUTER gives it [identity, "", ...frames]', async () => {
    const { kernel, t } = world();
    const router = t('b').socket('router');
    await router.bind('tcp://*:7000');
    const req = t('a').socket('req', { routingId: 'client' });
    req.connect('tcp://b:7000');
    await req.send('hello');
    await kernel.run();
    const m = await router.receive();
    expect(text(m)).toEqual(['client', '', 'hello']);
    const reply = track(req.receive());
    await router.send([m[0]!, new Uint8Array(0), 'world']);
    await kernel.run();
    expect(text(reply.value!)).toEqual(['world']);
  });

  it("Toto's layout: a DEALER sends ['', id, payload], the REP sees [id, payload], the DEALER gets ['', id, response]", async () => {
    const { kernel, t } = world(['balancer', 'worker']);
    const dealer = t('balancer').socket('dealer');
    await dealer.bind('tcp://*:55555');
    const rep = t('worker').socket('rep');
    rep.connect('tcp://balancer:55555'); // Toto's workers connect their REP to the dealer side
    await kernel.run();
    await dealer.send(['', 'msg-1', '{"method":"a.b"}']);
    await kernel.run();
    const request = await rep.receive();
    expect(text(request)).toEqual(['msg-1', '{"method":"a.b"}']);
    await rep.send([request[0]!, '{"result":1}']);
    await kernel.run();
    expect(text(await dealer.receive())).toEqual(['', 'msg-1', '{"result":1}']);
  });

  it('a malformed reply (no empty delimiter) makes a REQ over tcp drop its connection, losing the reply behind it, as libzmq\'s REQ session does', async () => {
    const { kernel, t } = world();
    const router = t('b').socket('router');
    await router.bind('tcp://*:7000');
    const req = t('a').socket('req', { routingId: 'r' });
    const disconnects: string[] = [];
    req.events.on('disconnect', (e) => disconnects.push(e.address));
    req.connect('tcp://b:7000');
    await req.send('q');
    const reply = track(req.receive());
    await kernel.run({ forMs: 50 });
    await router.receive();
    await router.send(['r', 'no delimiter']); // malformed: the REQ's session resets the connection
    await router.send(['r', '', 'ok']); // in flight behind it: lost
    await kernel.run({ forMs: 1_000 });
    expect(reply.settled).toBe(false);
    expect(disconnects).toEqual(['tcp://b:7000']);
  });

  it('over inproc (no session) a REQ discards a malformed reply: a receive waiting for it rejects EAGAIN, the next gets the reply', async () => {
    const { kernel, t } = world();
    const router = t('a').socket('router');
    await router.bind('inproc://svc');
    const req = t('a').socket('req', { routingId: 'r' });
    req.connect('inproc://svc');
    await req.send('q');
    const reply = track(req.receive());
    await kernel.run({ forMs: 50 });
    await router.receive();
    await router.send(['r', 'no delimiter']);
    await kernel.run({ forMs: 50 });
    expect(reply.error).toMatchObject({ code: 'EAGAIN' });
    await router.send(['r', '', 'ok']);
    const next = track(req.receive());
    await kernel.run({ forMs: 50 });
    expect(text(next.value!)).toEqual(['ok']);
  });

  it('REP discards a message whose only empty frame is its last (no body after the delimiter), as libzmq does', async () => {
    const { kernel, t } = world();
    const dealer = t('a').socket('dealer');
    await dealer.bind('tcp://*:7000');
    const rep = t('b').socket('rep');
    rep.connect('tcp://a:7000');
    await kernel.run();
    await dealer.send(['']);
    await dealer.send(['', 'ok']);
    await kernel.run();
    expect(text(await rep.receive())).toEqual(['ok']);
  });

  it('a REP that owes a reply and waits to receive, with requests stalled at its RCVHWM, gets each request once, in order, after replying', async () => {
    const { kernel, t } = world();
    const rep = t('b').socket('rep', { receiveHighWaterMark: 2 });
    await rep.bind('tcp://*:7000');
    const dealer = t('a').socket('dealer');
    dealer.connect('tcp://b:7000');
    for (const q of ['q1', 'q2', 'q3', 'q4', 'q5']) await dealer.send(['', q]);
    await kernel.run();
    const got = [text(await rep.receive())];
    // A receive while a reply is owed waits; meanwhile q2 and q3 fill the pipe (RCVHWM 2) and q4, q5 wait on the wire.
    let request = track(rep.receive());
    await kernel.run();
    expect(request.settled).toBe(false);
    for (let i = 1; i <= 5; i++) {
      const replied = track(rep.send(`r${i}`));
      await kernel.run();
      if (i > 1) request = track(rep.receive());
      await kernel.run();
      if (!replied.settled) got.push([`(r${i} still waiting)`]);
      if (i < 5) got.push(request.settled ? text(request.value!) : ['(still waiting)']);
    }
    expect(got).toEqual([['q1'], ['q2'], ['q3'], ['q4'], ['q5']]);
    const replies: string[][] = [];
    for (let i = 0; i < 5; i++) replies.push(text(await dealer.receive()));
    expect(replies).toEqual([1, 2, 3, 4, 5].map((i) => ['', `r${i}`]));
  });
});
