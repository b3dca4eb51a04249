// Proves the cache of frozen headers objects in checkRequestOptions and checkHandlerResponse
// (HttpWorkerConnection sends one with every request, HttpWorkerServer answers with one): the
// same checked headers every time, invalid frozen headers refused every time, and objects that
// could change (not frozen, or with a getter) checked anew on each request.
import { describe, expect, it } from 'vitest';
import { checkHandlerResponse, checkRequestOptions } from '../../../src/core/http-message.js';

describe('checkRequestOptions and checkHandlerResponse: frozen headers', () => {
  it("checks a handler's frozen headers once; invalid ones are its 500 reason every time", () => {
    const headers = Object.freeze({ 'Content-Type': 'application/json' });
    const first = checkHandlerResponse({ status: 200, headers });
    const second = checkHandlerResponse({ status: 200, headers });
    expect(typeof first === 'string' ? first : first.headers).toEqual({ 'content-type': 'application/json' });
    expect(typeof second === 'string' ? second : second.headers).toBe(typeof first === 'string' ? first : first.headers);
    const bad = Object.freeze({ 'content-length': '1' });
    for (let i = 0; i < 2; i++) expect(checkHandlerResponse({ status: 200, headers: bad })).toBe('handler response headers: header "content-length" is set by the transport, not by the caller');
  });

  it('checks a frozen object once and gives the same lower-cased headers each time', () => {
    const headers = Object.freeze({ 'Content-Type': ' application/json ' });
    const first = checkRequestOptions({ method: 'POST', headers }).headers;
    expect(first).toEqual({ 'content-type': 'application/json' });
    expect(checkRequestOptions({ method: 'POST', headers }).headers).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses invalid frozen headers on every request', () => {
    const headers = Object.freeze({ connection: 'close' });
    for (let i = 0; i < 2; i++) expect(() => checkRequestOptions({ headers })).toThrow('headers: header "connection" is set by the transport, not by the caller');
  });

  it('checks objects that may change on every request: not frozen, or frozen with a getter', () => {
    const open: Record<string, string> = { a: 'x' };
    expect(checkRequestOptions({ headers: open }).headers).toEqual({ a: 'x' });
    open.a = 'bad\nvalue';
    expect(() => checkRequestOptions({ headers: open })).toThrow('invalid character in header value');
    let value = 'x';
    const getter = Object.freeze({
      get a(): string {
        return value;
      },
    });
    expect(checkRequestOptions({ headers: getter }).headers).toEqual({ a: 'x' });
    value = 'bad\nvalue';
    expect(() => checkRequestOptions({ headers: getter })).toThrow('invalid character in header value');
  });
});
