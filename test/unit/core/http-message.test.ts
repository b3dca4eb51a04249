// Proves the HTTP rules both worlds share: header normalisation (lower-case names, trimmed values, transport headers refused), request option checks, listen addresses with port 0, handler responses checked into a reason instead of a throw, and the URL parse cache returning what a fresh parse would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpUrl } from '../../../src/core/address.js';
import {
  HTTP_MAX_BODY_BYTES_DEFAULT,
  checkHandlerResponse,
  checkRequestOptions,
  methodNotAllowedResponse,
  normalizeHeaders,
  parseListenAddress,
  parseRequestUrl,
  payloadTooLargeResponse,
  responseHasBody,
} from '../../../src/core/http-message.js';

const dec = new TextDecoder();

describe('normalizeHeaders', () => {
  it('lower-cases names and trims values as a receiving parser does', () => {
    expect(normalizeHeaders('headers', { 'X-Trace': '  a b \t', Accept: '*/*', Empty: '' })).toEqual({ 'x-trace': 'a b', accept: '*/*', empty: '' });
    expect(normalizeHeaders('headers', undefined)).toEqual({});
  });

  it('refuses every header the transport owns, whatever its case', () => {
    for (const name of ['Connection', 'content-length', 'Transfer-Encoding', 'KEEP-ALIVE', 'Upgrade', 'TE', 'Trailer', 'Expect', 'Proxy-Connection']) {
      expect(() => normalizeHeaders('headers', { [name]: 'x' })).toThrow(`headers: header ${JSON.stringify(name)} is set by the transport, not by the caller`);
    }
  });

  it('accepts any token name and visible value (property)', () => {
    const token = fc.string({ unit: fc.constantFrom(...'abcXYZ019!#$%&\'*+-.^_`|~'.split('')), minLength: 1, maxLength: 12 });
    const value = fc.string({ unit: fc.constantFrom(...'abc XYZ019/:;,="\t'.split('')), maxLength: 20 });
    fc.assert(
      fc.property(token, value, (name, v) => {
        fc.pre(!['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection'].includes(name.toLowerCase()));
        expect(normalizeHeaders('h', { [name]: v })).toEqual({ [name.toLowerCase()]: v.replace(/^[\t ]+|[\t ]+$/g, '') });
      }),
      { seed: 6, numRuns: 200 },
    );
  });
});

describe('checkRequestOptions', () => {
  it('defaults to GET with no headers and an empty body, and upper-cases the method', () => {
    expect(checkRequestOptions(undefined)).toEqual({ method: 'GET', headers: {}, body: new Uint8Array(0), timeoutMs: undefined });
    expect(checkRequestOptions({ method: 'patch', body: new Uint8Array(2), timeoutMs: 0 })).toMatchObject({ method: 'PATCH', timeoutMs: 0 });
  });
});

describe('parseListenAddress', () => {
  it('takes port 0 as any free port and keeps the other errors', () => {
    expect(parseListenAddress('http://127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('http://*:8080')).toEqual({ host: '*', port: 8080 });
    expect(parseListenAddress('http://h:8080/')).toEqual({ host: 'h', port: 8080 });
    expect(() => parseListenAddress('http://h:0/x')).toThrow('httpListen: expected an address without a path, got "http://h:0/x"');
    expect(() => parseListenAddress('http://h:00')).toThrow('httpListen: invalid port 0 in address "http://h:00" (expected an integer in [0, 65535], 0 for any free port)');
    expect(() => parseListenAddress('tcp://h:1')).toThrow('httpListen: malformed URL "tcp://h:1" (only http:// URLs are supported)');
  });
});

describe('parseRequestUrl', () => {
  it('returns what a fresh parse gives, cached or not, and never caches a bad URL (property)', () => {
    const url = fc.tuple(fc.constantFrom('127.0.0.1', 'b', 'host-1'), fc.integer({ min: 1, max: 65535 }), fc.string({ unit: fc.constantFrom(...'/ab?=&%#'.split('')), maxLength: 8 }));
    fc.assert(
      fc.property(url, ([host, port, rest]) => {
        const text = `http://${host}:${port}${rest.startsWith('/') || rest.startsWith('?') || rest === '' ? rest : `/${rest}`}`;
        for (let i = 0; i < 2; i++) {
          if (text.includes('#')) expect(() => parseRequestUrl(text)).toThrow(/invalid character "#"/);
          else expect(parseRequestUrl(text)).toEqual(parseHttpUrl('httpRequest', text));
        }
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});

describe('checkHandlerResponse', () => {
  it('returns a normalised response, or the reason it is none', () => {
    const body = new Uint8Array([1]);
    expect(checkHandlerResponse({ status: 200, headers: { 'X-A': ' 1 ' }, body })).toEqual({ status: 200, headers: { 'x-a': '1' }, body });
    expect(checkHandlerResponse({ status: 204 })).toEqual({ status: 204, headers: {}, body: new Uint8Array(0) });
    expect(checkHandlerResponse(null)).toBe('handler returned null, expected {status, headers, body}');
    expect(checkHandlerResponse({ status: 600 })).toBe('handler returned status 600, expected an integer in [200, 599]');
    expect(checkHandlerResponse({ status: 200, body: 'text' })).toBe('handler returned body "text", expected a Uint8Array');
    expect(checkHandlerResponse({ status: 200, headers: { 'x-n': 5 } })).toBe('handler response headers["x-n"]: expected a string, got 5');
  });

  it('builds the 405 and 413 answers and knows which responses carry no body', () => {
    expect(dec.decode(payloadTooLargeResponse(HTTP_MAX_BODY_BYTES_DEFAULT).body)).toBe('Payload Too Large: request body exceeds maxBodyBytes=16777216');
    expect(methodNotAllowedResponse('BREW').headers.allow).toBe('GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS');
    expect([responseHasBody('HEAD', 200), responseHasBody('GET', 204), responseHasBody('GET', 304), responseHasBody('POST', 200)]).toEqual([false, false, false, true]);
  });
});
