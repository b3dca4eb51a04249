// Proves the dispatcher's untrusted-input helpers: call ids are read as bytes and keys or refused with a message, a malformed request's id is recovered only when it is one, thrown values of any kind (hostile ones too) become bounded TotoErrors, and a WireFormatError's code is read when present.
import { describe, expect, it } from 'vitest';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { ERROR_VALUE_CHARS_MAX, bound, isTotoErrorLike, messageOf, readCallId, recoverId, toTotoError, wireCodeOf } from '../../../src/core/worker-inputs.js';

const text = (s: string) => new TextEncoder().encode(s);
const hostile = new Proxy(
  {},
  {
    get: () => {
      throw new Error('trap');
    },
    getPrototypeOf: () => {
      throw new Error('trap');
    },
  },
);

describe('worker inputs', () => {
  it('readCallId: bytes and key, undefined for none, a message for anything unusable', () => {
    expect(readCallId(undefined)).toBeUndefined();
    expect(readCallId('abc')).toEqual({ bytes: text('abc'), key: 'abc' });
    expect(readCallId(Uint8Array.of(0, 255))).toEqual({ bytes: Uint8Array.of(0, 255), key: '0x00ff' });
    expect(readCallId('')).toBe('call id: expected a string or Uint8Array of 1 to 255 bytes, got ""');
    expect(readCallId(new Uint8Array(256))).toBe('call id: expected a string or Uint8Array of 1 to 255 bytes, got object Uint8Array');
    expect(readCallId(12)).toBe('call id: expected a string or Uint8Array of 1 to 255 bytes, got 12');
  });

  it('recoverId: the first frame when it is a usable id, else undefined (also for hostile arrays)', () => {
    expect(recoverId([text('id'), text('x'), text('y')])).toEqual(text('id'));
    expect(recoverId([new Uint8Array(0)])).toBeUndefined();
    expect(recoverId([new Uint8Array(256)])).toBeUndefined();
    expect(recoverId(['id'])).toBeUndefined();
    expect(recoverId([])).toBeUndefined();
    expect(recoverId(new Proxy([text('id')], { get: () => { throw new Error('trap'); } }))).toBeUndefined();
  });

  it('toTotoError: TotoErrors kept, the rest SERVER with a bounded message, hostile values described safely', () => {
    const toto = new TotoError(ErrorCode.NOT_AUTHORIZED, 'no');
    expect(toTotoError(toto)).toBe(toto);
    expect(toTotoError(new Error('boom')).toJSON()).toEqual({ code: 1000, value: 'boom' });
    expect(toTotoError('text').toJSON()).toEqual({ code: 1000, value: 'text' });
    expect(toTotoError(42).toJSON()).toEqual({ code: 1000, value: '42' });
    expect(toTotoError(hostile).toJSON()).toEqual({ code: 1000, value: 'an exception that cannot be described' });
    expect(toTotoError(new Error('z'.repeat(5000))).value).toBe(`${'z'.repeat(ERROR_VALUE_CHARS_MAX)}... (5000 chars)`);
    expect(isTotoErrorLike(toto)).toBe(true);
    expect(isTotoErrorLike(hostile)).toBe(false);
    expect(messageOf(undefined)).toBe('undefined');
    expect(bound('short')).toBe('short');
  });

  it('wireCodeOf: a string code on an Error, nothing otherwise', () => {
    expect(wireCodeOf(Object.assign(new Error('x'), { code: 'BAD_FRAMES' }))).toBe('BAD_FRAMES');
    expect(wireCodeOf(new Error('x'))).toBeUndefined();
    expect(wireCodeOf('BAD_FRAMES')).toBeUndefined();
    expect(wireCodeOf(hostile)).toBeUndefined();
  });
});
