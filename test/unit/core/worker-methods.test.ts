// Proves the worker method registry: flat, nested and mixed object maps give dotted names, asynchronous() marks a method without changing the original, bad names, values, duplicates and cyclic maps are refused with exact messages and leave the registry unchanged.
import { describe, expect, it } from 'vitest';
import { WorkerMethods, asynchronous, isAsynchronous, type MethodMap } from '../../../src/core/worker-methods.js';

const f = (tag: string) => () => tag;

describe('WorkerMethods', () => {
  it('maps flat, nested and mixed keys to dotted names', () => {
    const methods = WorkerMethods.fromMap({
      'a.b': f('ab'),
      a: { c: f('ac'), d: { 'e.f': f('adef') } },
      top: f('top'),
    });
    expect(methods.names()).toEqual(['a.b', 'a.c', 'a.d.e.f', 'top']);
    expect(methods.size).toBe(4);
    expect(methods.get('a.d.e.f')?.invoke(undefined, {})).toBe('adef');
    expect(methods.get('a.d.e.f')).toMatchObject({ name: 'a.d.e.f', asynchronous: false });
    expect(methods.has('a')).toBe(false);
    expect(methods.get('nope')).toBeUndefined();
  });

  it('asynchronous() marks a new function and leaves the original unmarked', () => {
    const original = (_w: unknown, p: unknown) => ({ p });
    const marked = asynchronous(original);
    expect(isAsynchronous(marked)).toBe(true);
    expect(isAsynchronous(original)).toBe(false);
    expect(isAsynchronous({})).toBe(false);
    expect(marked(undefined, 3)).toEqual({ p: 3 });
    const methods = WorkerMethods.fromMap({ fire: marked, plain: original });
    expect(methods.get('fire')?.asynchronous).toBe(true);
    expect(methods.get('plain')?.asynchronous).toBe(false);
    expect(() => asynchronous(3 as never)).toThrow('asynchronous(fn): expected a function, got 3');
  });

  it('the asynchronous mark is a registry-wide symbol, so a method from another copy of this module is seen', () => {
    const foreign = Object.defineProperty(() => 1, Symbol.for('toto-ts.worker.asynchronous'), { value: true });
    expect(isAsynchronous(foreign)).toBe(true);
  });

  it('add() checks the name, the function and duplicates', () => {
    const methods = new WorkerMethods().add('x.y', f('xy'));
    expect(() => methods.add('x..y', f(''))).toThrow('method name: expected a dotted name like "a.b.c", got "x..y"');
    expect(() => methods.add('a-b', f(''))).toThrow('method name: expected a dotted name like "a.b.c", got "a-b"');
    expect(() => methods.add(7 as never, f(''))).toThrow('method name: expected a dotted name like "a.b.c", got 7');
    expect(() => methods.add('ok', 'no' as never)).toThrow('method ok: expected a function, got "no"');
    expect(() => methods.add('x.y', f(''))).toThrow('method name: "x.y" is already registered');
  });

  it('fromMap refuses bad maps with exact messages and adds nothing from a bad map', () => {
    const cases: [unknown, string][] = [
      [null, 'methods: expected an object map of methods, got null'],
      [[f('')], 'methods: expected an object map of methods, got array of length 1'],
      [{ a: { b: 3 } }, 'method a.b: expected a function or a nested map of methods, got 3'],
      [{ a: { b: [] } }, 'method a.b: expected a function or a nested map of methods, got array of length 0'],
      [{ 'bad name': f('') }, 'method name: expected a dotted name like "a.b.c", got "bad name"'],
      [{ 'a.b': f('1'), a: { b: f('2') } }, 'method name: "a.b" is given twice'],
      [{ '': f('') }, 'method name: expected a dotted name like "a.b.c", got ""'],
    ];
    for (const [map, message] of cases) expect(() => WorkerMethods.fromMap(map as MethodMap)).toThrow(message);
    const methods = WorkerMethods.fromMap({ keep: f('k') });
    expect(() => methods.addMap({ fine: f('f'), broken: { x: 1 } } as never)).toThrow('method broken.x');
    expect(methods.names()).toEqual(['keep']);
    expect(() => methods.addMap({ keep: f('again') })).toThrow('method name: "keep" is given twice');
  });

  it('a cyclic map is refused instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => WorkerMethods.fromMap(cyclic as MethodMap)).toThrow(/^methods: expected a map nested at most 64 deep, got deeper at "self\.self/);
  });

  it('a class instance is not a map (its methods live on the prototype)', () => {
    class Service {
      run() {
        return 1;
      }
    }
    expect(() => WorkerMethods.fromMap({ svc: new Service() } as never)).toThrow(
      'method svc: expected a function or a nested map of methods, got object Service',
    );
  });
});
