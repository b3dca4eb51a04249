// HTTP over the simulated links: request/response with latency both ways, connection refused, reset when the server host crashes mid-request, timeout, handler errors as 500, partitions as stalls, ephemeral ports. (What the real transport must agree with is in test/contract/http.contract.test.ts.)
import { describe, expect, it } from 'vitest';
import { ErrorCode, TimeoutError, TotoError } from '../../../src/core/errors.js';
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
    expect(refused.error).toBeInstanceOf(TotoError);
    expect((refused.error as Error).message).toBe('httpRequest: connection refused by b:8080 (nothing listening) for http://b:8080/ (CONNECTION_REFUSED -3)');
    expect((refused.error as TotoError).code).toBe(ErrorCode.CONNECTION_REFUSED);
    const server = await t('b').httpListen('http://b:8080', () => ({ status: 204, headers: {}, body: new Uint8Array(0) }));
    const ok = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    expect(ok.value?.status).toBe(204);
    await server.close();
    const again = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    expect((again.error as TotoError).code).toBe(ErrorCode.CONNECTION_REFUSED);
  });

  it('times out with TimeoutError while a partition stalls the request', async () => {
    const { kernel, t, net } = world();
    await t('b').httpListen('http://*:8080', () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
    net.partition(['a'], ['b']);
    const res = track(t('a').httpRequest('http://b:8080/', { timeoutMs: 300 }));
    await kernel.run();
    expect(res.error).toBeInstanceOf(TimeoutError);
    expect((res.error as Error).message).toBe('httpRequest: no response from http://b:8080/ within 300ms (TIMEOUT -1)');
    expect(kernel.now()).toBe(300);
  });

  it('a partition shorter than the timeout only delays the response (a stall, not a loss)', async () => {
    const { kernel, t, net } = world();
    net.setLinkConditions({ latencyMs: { min: 5, max: 5 } });
    let calls = 0;
    await t('b').httpListen('http://*:8080', () => {
      calls++;
      return { status: 200, headers: {}, body: enc.encode('late') };
    });
    net.partition(['a'], ['b']);
    const res = track(t('a').httpRequest('http://b:8080/', { timeoutMs: 1_000 }));
    await kernel.run({ untilMs: 200 });
    expect([res.settled, calls]).toEqual([false, 0]);
    net.repair();
    await kernel.run();
    expect(dec.decode(res.value!.body)).toBe('late');
    expect(calls).toBe(1);
    expect(kernel.now()).toBeGreaterThanOrEqual(205);
    expect(kernel.now()).toBeLessThan(1_000);
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
    expect((remote.error as TotoError).code).toBe(ErrorCode.CONNECTION_REFUSED); // bound on loopback only
  });

  it('a server host that crashes mid-request resets the connection, one latency later', async () => {
    const { kernel, t, net } = world();
    net.setLinkConditions({ latencyMs: { min: 5, max: 5 } });
    let handling = false;
    await t('b').httpListen('http://*:8080', () => {
      handling = true;
      return new Promise(() => {});
    });
    const res = track(t('a').httpRequest('http://b:8080/slow'));
    await kernel.run({ untilMs: 20 });
    expect(handling).toBe(true);
    net.crashHost('b');
    await kernel.run();
    expect(kernel.now()).toBe(25);
    expect(res.error).toBeInstanceOf(TotoError);
    expect((res.error as TotoError).code).toBe(ErrorCode.CONNECTION_RESET);
    expect((res.error as Error).message).toBe('httpRequest: connection reset by b:8080 before the response was complete, for http://b:8080/slow (CONNECTION_RESET -4)');
  });

  it('a request on its way when the server host crashes is reset on arrival', async () => {
    const { kernel, t, net } = world();
    net.setLinkConditions({ latencyMs: { min: 5, max: 5 } });
    await t('b').httpListen('http://*:8080', () => ({ status: 200, headers: {}, body: enc.encode('never') }));
    const res = track(t('a').httpRequest('http://b:8080/x'));
    await kernel.run({ untilMs: 2 });
    net.crashHost('b');
    await kernel.run();
    expect(kernel.now()).toBe(10);
    expect((res.error as TotoError).code).toBe(ErrorCode.CONNECTION_RESET);
  });

  it('a graceful close lets the request in progress finish, and refuses new ones', async () => {
    const { kernel, t } = world();
    let answer: (() => void) | undefined;
    const server = await t('b').httpListen('http://*:8080', () => new Promise((resolve) => (answer = () => resolve({ status: 200, headers: {}, body: enc.encode('late') }))));
    const res = track(t('a').httpRequest('http://b:8080/'));
    await kernel.run();
    await server.close();
    const refused = track(t('a').httpRequest('http://b:8080/'));
    answer?.();
    await kernel.run();
    expect(dec.decode(res.value!.body)).toBe('late');
    expect((refused.error as TotoError).code).toBe(ErrorCode.CONNECTION_REFUSED);
  });

  it('port 0 takes the lowest free port from 32768 on, and the handle names it', async () => {
    const { kernel, t } = world();
    const first = await t('b').httpListen('http://*:0', () => ({ status: 200, headers: {}, body: enc.encode('one') }));
    const second = await t('b').httpListen('http://127.0.0.1:0', () => ({ status: 200, headers: {}, body: enc.encode('two') }));
    expect([first.address, second.address]).toEqual(['http://*:32768', 'http://127.0.0.1:32769']);
    const res = track(t('a').httpRequest('http://b:32768/'));
    await kernel.run();
    expect(dec.decode(res.value!.body)).toBe('one');
    await expect(t('b').httpListen('http://*:32768', () => ({ status: 200, headers: {}, body: enc.encode('') }))).rejects.toThrow(
      'httpListen: address already in use "http://*:32768" (EADDRINUSE)',
    );
  });
});
