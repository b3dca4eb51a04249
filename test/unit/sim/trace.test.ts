// The trace's hash is taken over event fields and its lines are written when read: a line must
// read exactly as JSON.stringify of the event, and the hash must tell apart any two events whose
// lines (or payloads) differ, whichever way they were recorded.
import { describe, expect, it } from 'vitest';
import { Trace, type TraceEvent } from '../../../src/sim/trace.js';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

function hashOf(events: TraceEvent[], payloads: (Uint8Array[] | undefined)[] = []): string {
  const trace = new Trace();
  events.forEach((event, i) => trace.record(event, payloads[i]));
  return trace.hash();
}

describe('Trace', () => {
  it('a message recorded by its fields reads and hashes as the same event recorded as an object', () => {
    for (const keepAll of [false, true]) {
      const fields = new Trace({ keepAll, previewChars: 10 });
      const object = new Trace({ keepAll, previewChars: 10 });
      const payload = [enc('job-1'), enc('submit a long payload')];
      fields.recordMessage(1.25, 'send', 'client', 'client', 'router', 'client/s1', 7, 25, undefined, payload);
      object.record({ tMs: 1.25, kind: 'send', host: 'client', from: 'client', to: 'router', socket: 'client/s1', msg: 7, bytes: 25 }, payload);
      fields.recordMessage(3, 'drop', 'router', 'client', 'router', 'router/s2', 8, 0, 'hwm', undefined);
      object.record({ tMs: 3, kind: 'drop', host: 'router', from: 'client', to: 'router', socket: 'router/s2', msg: 8, bytes: 0, reason: 'hwm' });
      expect(fields.hash()).toBe(object.hash());
      expect(fields.kept()).toEqual(object.kept());
      expect(fields.kept()).toEqual([
        '{"tMs":1.25,"kind":"send","host":"client","from":"client","to":"router","socket":"client/s1","msg":7,"bytes":25,"preview":"job-1 | su…"}',
        '{"tMs":3,"kind":"drop","host":"router","from":"client","to":"router","socket":"router/s2","msg":8,"bytes":0,"reason":"hwm"}',
      ]);
      expect(fields.count).toBe(2);
    }
  });

  it('hashes apart events whose lines differ: a value, a type, a key, nesting, order', () => {
    const variants: TraceEvent[] = [
      { tMs: 1, kind: 'x', a: 1 },
      { tMs: 1, kind: 'x', a: 2 },
      { tMs: 1, kind: 'x', a: '1' },
      { tMs: 1, kind: 'x', b: 1 },
      { tMs: 1, kind: 'x', a: 1.5 },
      { tMs: 1, kind: 'x', a: true },
      { tMs: 1, kind: 'x', a: null },
      { tMs: 1, kind: 'x', a: [1] },
      { tMs: 1, kind: 'x', a: { b: 1 } },
      { tMs: 1, kind: 'x', a: 'ab' },
      { tMs: 1, kind: 'x', a: 'ba' },
      { tMs: 1, kind: 'x', a: 'abc' },
      { tMs: 1.0000001, kind: 'x', a: 1 },
      { tMs: 1, kind: 'y', a: 1 },
    ];
    const hashes = variants.map((event) => hashOf([event]));
    expect(new Set(hashes).size).toBe(variants.length);
    expect(hashOf([variants[0] as TraceEvent, variants[1] as TraceEvent])).not.toBe(hashOf([variants[1] as TraceEvent, variants[0] as TraceEvent]));
    // What a JSON line would not show does not count: an undefined field, -0.
    expect(hashOf([{ tMs: 0, kind: 'x', a: undefined }])).toBe(hashOf([{ tMs: -0, kind: 'x' }]));
  });

  it('hashes the payload bytes and where frames split, not only the line', () => {
    const event: TraceEvent = { tMs: 1, kind: 'send', msg: 1 };
    const a = hashOf([event], [[enc('abcdefghij')]]);
    expect(hashOf([event], [[enc('abcdefghiJ')]])).not.toBe(a);
    expect(hashOf([event], [[enc('abcdefgh'), enc('ij')]])).not.toBe(a);
    expect(hashOf([event], [[enc('abcdefghij')]])).toBe(a);
  });

  it('keeps the last lines in order, written as JSON.stringify would; an event with objects is written as recorded', () => {
    const trace = new Trace({ tailLines: 3 });
    const nested = { hosts: ['a', 'b'] };
    for (let i = 0; i < 5; i++) trace.record({ tMs: i, kind: 'e', i, nested });
    trace.recordMessage(9, 'deliver', 'b', 'a', 'b', 'b/s1', 1, 0, undefined, undefined);
    nested.hosts.push('changed later');
    expect(trace.kept()).toEqual(['{"tMs":3,"kind":"e","i":3,"nested":{"hosts":["a","b"]}}', '{"tMs":4,"kind":"e","i":4,"nested":{"hosts":["a","b"]}}', '{"tMs":9,"kind":"deliver","host":"b","from":"a","to":"b","socket":"b/s1","msg":1,"bytes":0}']);
    expect(trace.tail(1)).toEqual([trace.kept()[2]]);
    expect(trace.tail(0)).toEqual([]);
    expect(trace.count).toBe(6);
  });

  it('refuses what a JSON line cannot hold, as writing the line did', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => new Trace().record({ tMs: 0, kind: 'x', cyclic })).toThrow(/circular/);
    expect(() => new Trace().record({ tMs: 0, kind: 'x', n: 1n })).toThrow(/BigInt/);
  });

  it('note() keeps a line with keepAll only, outside the hash and the count', () => {
    const noted = new Trace({ keepAll: true });
    const plain = new Trace({ keepAll: true });
    for (const trace of [noted, plain]) trace.record({ tMs: 1, kind: 'a' });
    noted.note({ tMs: 1, kind: 'timer-set', timer: 3 });
    expect(noted.hash()).toBe(plain.hash());
    expect(noted.count).toBe(1);
    expect(noted.kept()).toEqual(['{"tMs":1,"kind":"a"}', '{"tMs":1,"kind":"timer-set","timer":3}']);
    const tailOnly = new Trace();
    tailOnly.note({ tMs: 1, kind: 'timer-set', timer: 3 });
    expect(tailOnly.kept()).toEqual([]);
  });
});

describe('Trace options', () => {
  it('are checked by the constructor itself, naming the option', () => {
    expect(() => new Trace({ tailLines: 2e9 })).toThrow(/Trace options\.tailLines/);
    expect(() => new Trace({ keepAll: 'yes' } as never)).toThrow(/Trace options\.keepAll: expected a boolean/);
    expect(() => new Trace({ tail: 5 } as never)).toThrow(/Trace options.*tail/);
    expect(() => new Trace(null as never)).toThrow(/Trace options/);
  });
});
