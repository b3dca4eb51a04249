// Proves parseZmqAddress reads tcp/ipc/inproc addresses, accepts tcp://host:* (port 0 = any free port) for bind only, and rejects malformed addresses with exact messages.
import { describe, expect, it } from 'vitest';
import { parseZmqAddress } from '../../../src/core/address.js';

describe('parseZmqAddress', () => {
  it('parses tcp, ipc and inproc addresses', () => {
    expect(parseZmqAddress('connect', 'tcp://127.0.0.1:5555')).toEqual({ scheme: 'tcp', host: '127.0.0.1', port: 5555, path: '' });
    expect(parseZmqAddress('connect', 'tcp://[::1]:80')).toEqual({ scheme: 'tcp', host: '[::1]', port: 80, path: '' });
    expect(parseZmqAddress('bind', 'ipc:///tmp/x.sock')).toEqual({ scheme: 'ipc', host: '', port: 0, path: '/tmp/x.sock' });
    expect(parseZmqAddress('connect', 'inproc://jobs')).toEqual({ scheme: 'inproc', host: '', port: 0, path: 'jobs' });
  });

  it('accepts the any-port form for bind (and unbind), as port 0', () => {
    expect(parseZmqAddress('bind', 'tcp://127.0.0.1:*')).toEqual({ scheme: 'tcp', host: '127.0.0.1', port: 0, path: '' });
    expect(parseZmqAddress('unbind', 'tcp://127.0.0.1:*')).toEqual({ scheme: 'tcp', host: '127.0.0.1', port: 0, path: '' });
    expect(parseZmqAddress('open', 'tcp://*:*', 'bind')).toEqual({ scheme: 'tcp', host: '*', port: 0, path: '' });
  });

  it('refuses the any-port form and the wildcard host for connect, saying why', () => {
    expect(() => parseZmqAddress('connect', 'tcp://127.0.0.1:*')).toThrow(
      new RangeError('connect: port "*" (any free port) in address "tcp://127.0.0.1:*" is only valid for bind (expected tcp://host:port)'),
    );
    expect(() => parseZmqAddress('bind', 'tcp://127.0.0.1:*', 'connect')).toThrow(/only valid for bind/);
    expect(() => parseZmqAddress('connect', 'tcp://*:1')).toThrow(new RangeError('connect: cannot connect to a wildcard host in address "tcp://*:1"'));
  });

  it('refuses for connect the hosts libzmq refuses with a bare EINVAL, in the same words in both worlds', () => {
    for (const host of ['a b', '-x', '_x', 'a$b', 'é']) {
      const address = `tcp://${host}:1`;
      expect(() => parseZmqAddress('connect', address)).toThrow(
        expect.objectContaining({ name: 'RangeError', code: 'EINVAL', message: `connect: invalid host ${JSON.stringify(host)} in address ${JSON.stringify(address)} (expected a host name or an IP address) (EINVAL)` }) as Error,
      );
    }
    // A disconnect is a lookup: libzmq answers ENOENT for such a string, so it parses.
    expect(parseZmqAddress('disconnect', 'tcp://a b:1').host).toBe('a b');
    // What libzmq's connect takes (names are resolved later, source;destination is its syntax).
    for (const host of ['x_y', 'a;b', '[::1]', 'nosuchhost.invalid', '256.1.1.1']) expect(parseZmqAddress('connect', `tcp://${host}:1`).host).toBe(host);
  });

  it.each([
    [42, TypeError, 'connect: expected an address string, got 42'],
    ['', RangeError, 'connect: expected an address like tcp://host:port, got ""'],
    ['127.0.0.1:5555', RangeError, 'connect: malformed address "127.0.0.1:5555" (expected tcp://host:port, ipc://path or inproc://name)'],
    ['udp://a:1', RangeError, 'connect: unsupported scheme "udp" in address "udp://a:1" (expected tcp, ipc or inproc)'],
    ['tcp://a', RangeError, 'connect: missing port in address "tcp://a" (expected tcp://host:port)'],
    ['tcp://:5', RangeError, 'connect: missing host in address "tcp://:5" (expected tcp://host:port)'],
    ['tcp://a:0', RangeError, 'connect: invalid port 0 in address "tcp://a:0" (expected an integer in [1, 65535])'],
    ['tcp://a:65536', RangeError, 'connect: invalid port 65536 in address "tcp://a:65536" (expected an integer in [1, 65535])'],
    ['tcp://a:**', RangeError, 'connect: invalid port "**" in address "tcp://a:**" (expected an integer in [1, 65535])'],
    ['ipc://', RangeError, 'connect: malformed address "ipc://" (empty ipc name)'],
  ])('rejects %o with its exact message', (address, ErrorClass, message) => {
    expect(() => parseZmqAddress('connect', address)).toThrow(new ErrorClass(message));
  });
});
