// HTTP over the simulated links: request/response with latency both ways, connection refused, timeout, handler errors as 500, partitions.
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/core/errors.js';
import { track, world } from './helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('HTTP', () => {
  it('answers a request after one latency each way', async () => {
    const { kernel, t, net } = world();
    net.setLinkConditions({ latencyMs: { min: 5, max: 5 } });
    const server = await t('b').httpListen('http://*:8080', (req) => ({
      status: 200,
      headers: { 'X-Echo': req.headers['x-name'] ?? '' },
      body: enc.encode(`${req.method} ${req.path} ${dec.decode(req.body)}`),
    }));
    expect(server.address).toBe('http://*:8080');
    const res = track(t('a').httpRequest('http://b:8080/rpc?x=1', { method: 'post', headers: { 'X-Name': 'n' }, body: enc.encode('hi') }));
    await kernel.run();
    expect(kernel.now()).toBe(10);
    expect(res.value).toMatchObject({ status: 200, headers: { 'x-echo': 'n' } });
    expect(dec.decode(res.value!.body)).toBe('POST /rpc?x=1 hi');
  });

  it('rejects with ECONNREFUSED when nothing listens, and after the server closed', async () => {
    const { kernel, t } = world();
    const refused = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    expect((refused.error as Error).message).toBe('httpRequest: connection refused by b:8080 (nothing listening) for http://b:8080/ (ECONNREFUSED)');
    expect((refused.error as { code: string }).code).toBe('ECONNREFUSED');
    const server = await t('b').httpListen('http://b:8080', () => ({ status: 204, headers: {}, body: new Uint8Array(0) }));
    const ok = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    expect(ok.value?.status).toBe(204);
    await server.close();
    const again = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    expect((again.error as { code: string }).code).toBe('ECONNREFUSED');
  });

  it('times out with TimeoutError when the response is lost (partition)', async () => {
    const { kernel, t, net } = world();
    await t('b').httpListen('http://*:8080', () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
    net.partition(['a'], ['b']);
    const res = track(t('a').httpRequest('http://b:8080/', { timeoutMs: 300 }));
    await kernel.run();
    expect(res.error).toBeInstanceOf(TimeoutError);
    expect((res.error as Error).message).toBe('httpRequest: no response from http://b:8080/ within 300ms (TIMEOUT -1)');
    expect(kernel.now()).toBe(300);
  });

  it('a handler that throws gives a 500 with the message', async () => {
    const { kernel, t } = world();
    await t('b').httpListen('http://*:8080', async () => {
      await Promise.resolve();
      throw new Error('boom');
    });
    const res = track(t('a').httpRequest('http://b:8080/x'));
    await kernel.run();
    expect(res.value?.status).toBe(500);
    expect(dec.decode(res.value!.body)).toBe('Internal Server Error: boom');
  });

  it('a request to a host that crashed never settles', async () => {
    const { kernel, t, net } = world();
    await t('b').httpListen('http://*:8080', () => new Promise(() => {}));
    const res = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    net.crashHost('a');
    await kernel.run();
    expect(res.settled).toBe(false);
  });

  it('localhost reaches a server on the same host', async () => {
    const { kernel, t } = world();
    await t('a').httpListen('http://127.0.0.1:9000', () => ({ status: 200, headers: {}, body: enc.encode('local') }));
    const res = track(t('a').httpRequest('http://localhost:9000/'));
    const remote = track(t('b').httpRequest('http://a:9000/'));
    await kernel.run();
    expect(dec.decode(res.value!.body)).toBe('local');
    expect((remote.error as { code: string }).code).toBe('ECONNREFUSED'); // bound on loopback only
  });
});
