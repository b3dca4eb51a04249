// The proxy form of a worker call, as Toto's `conn.a.b(params)`: `conn.proxy.a.b(params)` invokes
// "a.b". A Proxy over a function, so each property read extends the method path and a call
// invokes it. Kept on `conn.proxy` rather than on the connection itself so the connection's own
// members (close, length, ...) never shadow a method name and the types stay exact.

/** What a proxy call takes after the parameters: the per-call options of invoke(). */
export type ProxyInvoke<O> = (method: string, parameters: unknown, options?: O) => Promise<unknown>;

/**
 * `proxy.a.b.c` is a MethodProxy for "a.b.c"; calling it invokes that method. Any name is a
 * segment except `then` (so awaiting a proxy by mistake does not call a method named "then").
 */
export interface MethodProxy<O> {
  (parameters?: unknown, options?: O): Promise<unknown>;
  readonly [segment: string]: MethodProxy<O>;
}

/**
 * The root: `root.a` is the proxy for "a"; the root itself names no method. Untyped: under
 * noUncheckedIndexedAccess each segment reads as possibly undefined (it never is); `ProxyOf`
 * gives a checked shape instead.
 */
export type MethodProxyRoot<O> = { readonly [segment: string]: MethodProxy<O> };

/**
 * A typed view of the same proxy from a description of the worker's methods, e.g.
 * `{ math: { add(p: { a: number; b: number }): number } }`: each function becomes
 * `(parameters, options?) => Promise<result>`, each object a namespace.
 */
export type ProxyOf<Api, O> = {
  readonly [K in keyof Api]: Api[K] extends (parameters: infer P) => infer R
    ? (parameters: P, options?: O) => Promise<Awaited<R>>
    : ProxyOf<Api[K], O>;
};

export function methodProxyRoot<O>(invoke: ProxyInvoke<O>): MethodProxyRoot<O> {
  const cache = new Map<string, MethodProxy<O>>();
  const make = (path: string): MethodProxy<O> => {
    const known = cache.get(path);
    if (known !== undefined) return known;
    const target = (parameters?: unknown, options?: O): Promise<unknown> => invoke(path, parameters, options);
    const proxy = new Proxy(target, {
      get: (_target, key) => (typeof key === 'symbol' || key === 'then' ? undefined : make(`${path}.${key}`)),
    }) as unknown as MethodProxy<O>;
    // Bounded by the method names a program spells out in its source; a computed name per call
    // would grow it, so only short paths are remembered.
    if (cache.size < 1024) cache.set(path, proxy);
    return proxy;
  };
  return new Proxy(Object.create(null) as MethodProxyRoot<O>, {
    get: (_target, key) => (typeof key === 'symbol' || key === 'then' ? undefined : make(key)),
  });
}
