// Proves TotoError keeps Toto's codes and {code, value} wire form, rebuilds itself from JSON (malformed input becomes a SERVER error, never a throw), wraps foreign errors, TimeoutError is a TIMEOUT TotoError, WireFormatError carries a documented code and a bounded message, and preview renders any decoded value briefly without calling it.
import { describe, expect, it } from 'vitest';
import { ErrorCode, MESSAGE_ECHO_CHARS, TimeoutError, TotoError, WIRE_FORMAT_CODES, WireFormatError, boundText, preview } from '../../../src/core/errors.js';

describe('ErrorCode', () => {
  it("keeps Toto's numeric codes", () => {
    expect(ErrorCode).toMatchObject({
      TIMEOUT: -1,
      NO_CONNECTIONS: -2,
      CONNECTION_REFUSED: -3,
      CONNECTION_RESET: -4,
      BODY_TOO_LARGE: -5,
      SERVER: 1000,
      INVALID_METHOD: 1001,
      MISSING_METHOD: 1002,
      MISSING_PARAMS: 1003,
      NOT_AUTHORIZED: 1004,
      USER_NOT_FOUND: 1005,
      USER_ID_EXISTS: 1006,
      INVALID_SESSION_ID: 1007,
      INVALID_HMAC: 1008,
      INVALID_RESPONSE_HMAC: 1009,
      INVALID_USER_ID: 1010,
    });
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('TotoError', () => {
  it('carries code, value, symbolic name and a readable message', () => {
    const error = new TotoError(ErrorCode.MISSING_METHOD, 'Missing method');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TotoError');
    expect(error.code).toBe(1002);
    expect(error.value).toBe('Missing method');
    expect(error.codeName).toBe('MISSING_METHOD');
    expect(error.message).toBe('Missing method (MISSING_METHOD 1002)');
  });

  it('accepts codes that are not Toto\'s', () => {
    const error = new TotoError(4242, 'app specific');
    expect(error.codeName).toBeUndefined();
    expect(error.message).toBe('app specific (code 4242)');
  });

  it('serializes to {code, value} and back', () => {
    const error = new TotoError(ErrorCode.NOT_AUTHORIZED, 'Not authorized');
    expect(error.toJSON()).toEqual({ code: 1004, value: 'Not authorized' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 1004, value: 'Not authorized' });
    const back = TotoError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(back).toBeInstanceOf(TotoError);
    expect(back.toJSON()).toEqual(error.toJSON());
  });

  it('reads a value that is missing or not a string', () => {
    expect(TotoError.fromJSON({ code: 1000 }).value).toBe('');
    expect(TotoError.fromJSON({ code: 1000, value: 12 }).value).toBe('12');
  });

  it('turns malformed error JSON into a SERVER error describing it', () => {
    const cases: [unknown, string][] = [
      [null, 'malformed error: null'],
      ['oops', 'malformed error: "oops"'],
      [{ value: 'no code' }, 'malformed error: {"value":"no code"}'],
      [{ code: '1001', value: 'string code' }, 'malformed error: {"code":"1001","value":"string code"}'],
      [{ code: 1.5, value: 'fraction' }, 'malformed error: {"code":1.5,"value":"fraction"}'],
      [undefined, 'malformed error: undefined'],
    ];
    for (const [input, value] of cases) {
      const error = TotoError.fromJSON(input);
      expect(error.code).toBe(ErrorCode.SERVER);
      expect(error.value).toBe(value);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(TotoError.fromJSON(cyclic).value).toBe('malformed error: {"self":{"self":{"self":{"self":{"self":{"self":{"self":{"self":{...}}}}}}}}}');
  });

  it('from(): keeps a TotoError, wraps an Error or anything else as SERVER', () => {
    const original = new TotoError(ErrorCode.INVALID_HMAC, 'bad hmac');
    expect(TotoError.from(original)).toBe(original);
    const wrapped = TotoError.from(new RangeError('boom'));
    expect(wrapped.code).toBe(ErrorCode.SERVER);
    expect(wrapped.value).toBe('boom');
    expect(TotoError.from('text').toJSON()).toEqual({ code: 1000, value: 'text' });
    expect(TotoError.from(undefined).value).toBe('undefined');
  });
});

describe('TimeoutError', () => {
  it('is a TotoError with code TIMEOUT', () => {
    const error = new TimeoutError();
    expect(error).toBeInstanceOf(TotoError);
    expect(error.name).toBe('TimeoutError');
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.value).toBe('Timeout');
    expect(error.codeName).toBe('TIMEOUT');
    expect(error.toJSON()).toEqual({ code: -1, value: 'Timeout' });
    expect(new TimeoutError('runSync: 50ms passed').message).toBe('runSync: 50ms passed (TIMEOUT -1)');
    expect(TotoError.from(error)).toBe(error);
  });
});

describe('WireFormatError', () => {
  it('carries one of a small documented set of codes', () => {
    expect(WIRE_FORMAT_CODES).toEqual(['TOO_LARGE', 'TOO_DEEP', 'MALFORMED', 'BAD_ENCODING', 'UNSUPPORTED_TYPE', 'BAD_SHAPE', 'BAD_FRAMES', 'UNENCODABLE']);
    const error = new WireFormatError('TOO_DEEP', 'json: nested deeper than maxDepth (256)', { cause: 1 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WireFormatError');
    expect(error.code).toBe('TOO_DEEP');
    expect(error.cause).toBe(1);
  });

  it('bounds its message: 800 characters, then an ellipsis and the total size', () => {
    const error = new WireFormatError('MALFORMED', 'x'.repeat(10_000));
    expect(error.message).toBe(`${'x'.repeat(800)}... (10000 characters)`);
    expect(boundText('short')).toBe('short');
    expect(boundText('y'.repeat(MESSAGE_ECHO_CHARS + 1))).toBe(`${'y'.repeat(MESSAGE_ECHO_CHARS)}... (${MESSAGE_ECHO_CHARS + 1} characters)`);
  });
});

describe('preview', () => {
  it('renders any decoded value briefly, calling nothing on it', () => {
    expect(preview({ a: [1, 'b', null, true], c: 2n })).toBe('{"a":[1,"b",null,true],"c":2n}');
    expect(preview(Array.from({ length: 100 }, (_, i) => i))).toBe(`[${Array.from({ length: 32 }, (_, i) => i).join(',')},... (100 items)]`);
    expect(preview(new Uint8Array(5))).toBe('<5 bytes>');
    expect(preview(new Date(0))).toBe('<Date>');
    expect(preview(Object.create(null))).toBe('{}');
    expect(preview(-(1n << 300n))).toBe('<bigint of 301 bits>');
    expect(preview(Symbol('s'))).toBe('<symbol>');
    const hostile = { toString: () => { throw new Error('called'); }, toJSON: () => { throw new Error('called'); } };
    expect(preview(hostile)).toBe('{"toString":<function>,"toJSON":<function>}');
    expect(preview('z'.repeat(10_000)).length).toBeLessThanOrEqual(MESSAGE_ECHO_CHARS + 3);
  });
});
