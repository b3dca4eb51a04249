// Proves close() with messages still queued delivers them with linger -1 (zeromq.js's default) and drops them with linger 0 (except over inproc), in the simulation as in real zeromq.js.
import { expect } from 'vitest';
import { EVERY_WORLD, collect, describeWorlds } from './worlds.js';

for (const lingerMs of [-1, 0]) {
  describeWorlds(`close with messages queued for a peer not yet there: linger ${lingerMs} ${lingerMs === 0 ? 'drops' : 'delivers'} them`, EVERY_WORLD, async (w) => {
    const address = await w.address('b', `linger${lingerMs}`);
    const push = w.socket('a', 'push', { lingerMs });
    push.connect(address);
    for (let i = 0; i < 5; i++) await push.send(`m${i}`);
    push.close();
    expect(push.closed).toBe(true);
    const pull = w.socket('b', 'pull');
    await pull.bind(address);
    const got = collect(pull);
    // Over inproc a connect before the bind already made the pipe the binder takes over: what
    // was queued is in it, not in the closing socket, so even linger 0 delivers.
    const drops = lingerMs === 0 && w.scheme !== 'inproc';
    if (!drops) await w.waitFor(() => got.length === 5, { what: 'the lingering messages' });
    await w.sleep(500);
    expect(got).toEqual(drops ? [] : [['m0'], ['m1'], ['m2'], ['m3'], ['m4']]);
  });
}
