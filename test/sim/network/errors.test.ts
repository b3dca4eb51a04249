// Every bad input to the simulated network gives a clear error naming what was wrong (exact texts); EBUSY/EBADF are thrown synchronously as in zeromq.js.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { track, world } from './helpers.js';

describe('bad input', () => {
  it('malformed addresses', async () => {
    const { t } = world();
    const s = t('a').socket('push');
    expect(() => s.connect('')).toThrow(new RangeError('connect: expected an address like tcp://host:port, got ""'));
    expect(() => s.connect('udp://b:1')).toThrow(new RangeError('connect: unsupported scheme "udp" in address "udp://b:1" (expected tcp, ipc or inproc)'));
    expect(() => s.connect('b:1')).toThrow(new RangeError('connect: malformed address "b:1" (expected tcp://host:port, ipc://path or inproc://name)'));
    expect(() => s.connect('tcp://b')).toThrow(new RangeError('connect: missing port in address "tcp://b" (expected tcp://host:port)'));
    expect(() => s.connect('tcp://b:x')).toThrow(new RangeError('connect: invalid port "x" in address "tcp://b:x" (expected an integer in [1, 65535])'));
    expect(() => s.connect('tcp://b:70000')).toThrow(new RangeError('connect: invalid port 70000 in address "tcp://b:70000" (expected an integer in [1, 65535])'));
    expect(() => s.connect('tcp://*:1')).toThrow(new RangeError('connect: cannot connect to a wildcard host in address "tcp://*:1"'));
    expect(() => s.connect(42 as unknown as string)).toThrow(new TypeError('connect: expected an address string, got 42'));
    await expect(s.bind('ipc://')).rejects.toThrow(new RangeError('bind: malformed address "ipc://" (empty ipc name)'));
    await expect(t('a').httpRequest('https://b:1/')).rejects.toThrow(new RangeError('httpRequest: malformed URL "https://b:1/" (only http:// URLs are supported)'));
  });

  it('unknown hosts', async () => {
    const { t, net } = world(['a', 'b']);
    expect(() => t('a').socket('push').connect('tcp://nowhere:1')).toThrow('connect: unknown host "nowhere" in address "tcp://nowhere:1" (known hosts: a, b) (EHOSTUNREACH)');
    await expect(t('a').httpRequest('http://nowhere:80/')).rejects.toThrow('httpRequest: unknown host "nowhere" in "http://nowhere:80/" (known hosts: a, b) (EHOSTUNREACH)');
    expect(() => net.partition(['a'], ['zz'])).toThrow(new RangeError('partition: sideB: unknown host "zz" (known hosts: a, b)'));
    expect(() => net.crashHost('zz')).toThrow(new RangeError('crashHost: unknown host "zz" (known hosts: a, b)'));
  });

  it('bind errors: address in use, address of another host', async () => {
    const { t } = world();
    await t('a').socket('pull').bind('tcp://*:5000');
    const other = t('a').socket('pull');
    await expect(other.bind('tcp://127.0.0.1:5000')).rejects.toMatchObject({ message: 'bind: address already in use "tcp://127.0.0.1:5000" on host "a" (EADDRINUSE)', code: 'EADDRINUSE' });
    await expect(t('a').httpListen('http://a:5000', () => ({ status: 200, headers: {}, body: new Uint8Array() }))).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(other.bind('tcp://b:5000')).rejects.toThrow('bind: cannot assign requested address "tcp://b:5000": "b" is not this host ("a") (EADDRNOTAVAIL)');
    await expect(t('b').socket('pull').bind('tcp://b:5000')).resolves.toBeUndefined(); // ports are per host
    await expect(other.unbind('tcp://*:9')).rejects.toThrow(/^unbind: socket a\/pull#\d+ is not bound to "tcp:\/\/\*:9" \(ENOENT\)$/);
  });

  it('socket used after close throws EBADF synchronously, as zeromq.js does', () => {
    const { t } = world();
    const s = t('a').socket('dealer');
    s.close();
    expect(s.closed).toBe(true);
    expect(() => s.send('x')).toThrow(expect.objectContaining({ message: 'send: socket is closed (EBADF)', code: 'EBADF' }) as Error);
    expect(() => s.receive()).toThrow('receive: socket is closed (EBADF)');
    expect(() => s.bind('tcp://*:1')).toThrow('bind: socket is closed (EBADF)');
    expect(() => s.connect('tcp://b:1')).toThrow('connect: socket is closed (EBADF)');
    s.close(); // closing twice is fine
  });

  it('concurrent operations throw EBUSY synchronously; wrong-direction calls wait; bad options', async () => {
    const { t } = world();
    const pull = t('a').socket('pull');
    void pull.receive();
    expect(() => pull.receive()).toThrow('receive: socket is busy reading; only one receive operation may be in progress at any time (EBUSY)');
    // zeromq.js: a pull is never writable, so the send waits (it is not refused).
    const pullSend = track(pull.send('x'));
    const push = t('a').socket('push');
    void push.send('waits: no peer');
    expect(() => push.send('y')).toThrow('send: socket is busy writing; only one send operation may be in progress at any time (EBUSY)');
    const pushReceive = track(push.receive());
    await Promise.resolve();
    expect(pullSend.settled || pushReceive.settled).toBe(false);
    expect(() => push.subscribe('x')).toThrow('subscribe: not supported on a push socket (only sub) (ENOTSUP)');
    await expect(t('a').socket('dealer').send([])).rejects.toThrow(new RangeError('send: expected at least one frame, got an empty array'));
    await expect(t('a').socket('dealer').send([1 as unknown as string])).rejects.toThrow(new TypeError('send: frame 0: expected a string or a Uint8Array, got 1'));
    expect(() => t('a').socket('pair' as 'push')).toThrow(new RangeError('socket type: expected one of "push", "pull", "dealer", "router", "pub", "sub", "req", "rep", got "pair"'));
    expect(() => t('a').socket('push', { sendHighWaterMark: -1 })).toThrow(new RangeError('sendHighWaterMark: expected an integer >= 0, got -1'));
    expect(() => t('a').socket('push', { hwm: 1 } as never)).toThrow(/socket options: unknown option "hwm"/);
  });

  it('bad link conditions and constructor options', () => {
    const { net } = world();
    expect(() => net.setLinkConditions({ dropRate: 2 })).toThrow(new RangeError('dropRate: expected a number in [0, 1], got 2'));
    expect(() => net.setLinkConditions({ latencyMs: { min: 5, max: 1 } })).toThrow(new RangeError('latencyMs.max: expected a number >= latencyMs.min (5), got 1'));
    expect(() => net.setLinkConditions({ latencyMs: { min: 1, max: 2, distribution: 'pareto' as 'normal' } })).toThrow(/latencyMs.distribution: expected one of "uniform", "exponential", "normal", got "pareto"/);
    expect(() => new NetworkSim({ kernel: undefined as unknown as SimKernel, random: new Random(1) })).toThrow(new TypeError('kernel: expected a SimKernel, got undefined'));
  });
});
