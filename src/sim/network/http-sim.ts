// HTTP over the simulated links: a request and its response are one message each way,
// with the links' latency, loss, duplication, partitions and holds. Nothing listening
// gives ECONNREFUSED (after the round trip a real RST takes); a handler that throws gives
// a 500; timeoutMs rejects with TimeoutError.

import { TimeoutError } from '../../core/errors.js';
import type { ScheduledTask } from '../../core/scheduler.js';
import type { HttpHandler, HttpRequest, HttpRequestOptions, HttpResponse, HttpServerHandle } from '../../core/transport.js';
import { checkFunction, checkNonNegative, checkOptions, checkString, describe } from '../../core/validate.js';
import { isAnyInterface, isLoopback, parseHttpUrl, tcpKey } from './address.js';
import type { HostState, NetContext } from './net-context.js';
import { netError } from './net-error.js';
import { RESOLVED } from './socket-sim.js';
import { addBinding, removeBinding, type Binding } from './wiring.js';

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

export class HttpServerSim implements HttpServerHandle {
  closed = false;
  binding: Binding | undefined;

  constructor(
    private readonly ctx: NetContext,
    private readonly hostState: HostState,
    readonly address: string,
    readonly port: number,
    readonly handler: HttpHandler,
  ) {}

  get host(): string {
    return this.hostState.name;
  }

  close(): Promise<void> {
    this.kill();
    return RESOLVED;
  }

  kill(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.binding) removeBinding(this.ctx, this.binding, 'closed');
    this.hostState.servers.delete(this);
  }
}

export function httpListen(ctx: NetContext, hostState: HostState, address: string, handler: HttpHandler): Promise<HttpServerHandle> {
  try {
    checkFunction('httpListen: handler', handler);
    const url = parseHttpUrl('httpListen', address);
    if (url.path !== '/' && url.path !== '') throw new RangeError(`httpListen: expected an address without a path, got ${JSON.stringify(address)}`);
    const self = hostState.name;
    if (!isLoopback(url.host) && !isAnyInterface(url.host) && url.host !== self) {
      throw netError(`httpListen: cannot assign requested address ${JSON.stringify(address)}: ${JSON.stringify(url.host)} is not this host (${JSON.stringify(self)})`, 'EADDRNOTAVAIL');
    }
    const server = new HttpServerSim(ctx, hostState, `http://${url.host}:${url.port}`, url.port, handler);
    server.binding = addBinding(ctx, server, self, { scheme: 'tcp', host: url.host, port: url.port, path: '' }, address);
    hostState.servers.add(server);
    ctx.record('listen', self, { address: server.address });
    return Promise.resolve(server);
  } catch (error) {
    return Promise.reject(error);
  }
}

interface Transfer {
  from: HostState;
  to: HostState;
  fromIncarnation: number;
  toIncarnation: number;
  label: string;
  id: number;
  body: Uint8Array;
  deliver(): void;
}

/** Sends one HTTP message over the link from -> to; `deliver` runs on arrival unless it is lost. */
function transfer(ctx: NetContext, t: Transfer, duplicate = true): void {
  const link = ctx.links.current(ctx.links.link(t.from.name, t.to.name));
  const frames = [t.body];
  if (link.partitioned || (link.dropRate > 0 && ctx.random.float() < link.dropRate)) {
    ctx.drop(link.partitioned ? 'partition' : 'loss', t.from.name, t.from.name, t.to.name, t.label, t.id, frames);
    return;
  }
  // Each arrival is an event of the receiving process; if that process changed on the way (the
  // host came back up), it arrives again, at once, in an event of the new one.
  const arriveLater = (atMs: number): void => {
    const owner = ctx.ownerOf(t.to.name);
    ctx.kernel.schedule(atMs, () => arrive(owner), owner);
  };
  const arrive = (owner: unknown): void => {
    if (ctx.ownerOf(t.to.name) !== owner) return arriveLater(ctx.kernel.now());
    const now = ctx.links.current(ctx.links.link(t.from.name, t.to.name));
    if (now.partitioned) return ctx.drop('partition', t.to.name, t.from.name, t.to.name, t.label, t.id, frames);
    if (now.held) {
      ctx.stats.held++;
      // On release it arrives in an event of the receiving host, like any delivery.
      now.parked.push({ resume: () => arriveLater(ctx.kernel.now()) });
      return;
    }
    if (t.from.incarnation !== t.fromIncarnation || t.to.incarnation !== t.toIncarnation) {
      return ctx.drop('crash', t.to.name, t.from.name, t.to.name, t.label, t.id, frames);
    }
    ctx.stats.delivered++;
    if (ctx.trace) ctx.recordMessage('deliver', t.to.name, t.from.name, t.to.name, t.label, t.id, frames);
    t.deliver();
  };
  arriveLater(ctx.kernel.now() + link.sampleLatency(ctx.random));
  if (duplicate && link.duplicateRate > 0 && ctx.random.float() < link.duplicateRate) {
    ctx.stats.duplicated++;
    if (ctx.trace) ctx.recordMessage('duplicate', t.from.name, t.from.name, t.to.name, t.label, t.id, frames);
    arriveLater(ctx.kernel.now() + link.sampleLatency(ctx.random));
  }
}

function checkRequestOptions(options: HttpRequestOptions): void {
  checkOptions('httpRequest options', options, ['method', 'headers', 'body', 'timeoutMs']);
  if (options.method !== undefined) checkString('method', options.method);
  if (options.body !== undefined && !(options.body instanceof Uint8Array)) throw new TypeError(`body: expected a Uint8Array, got ${describe(options.body)}`);
  if (options.timeoutMs !== undefined) checkNonNegative('timeoutMs', options.timeoutMs);
  if (options.headers !== undefined && (options.headers === null || typeof options.headers !== 'object')) {
    throw new TypeError(`headers: expected an object of strings, got ${describe(options.headers)}`);
  }
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = String(value);
  return out;
}

function isResponse(value: unknown): value is HttpResponse {
  const r = value as HttpResponse | null;
  return r !== null && typeof r === 'object' && Number.isInteger(r.status) && r.status >= 100 && r.status <= 599;
}

export function httpRequest(ctx: NetContext, hostState: HostState, url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  let target: HostState;
  let parsed: ReturnType<typeof parseHttpUrl>;
  try {
    checkRequestOptions(options);
    parsed = parseHttpUrl('httpRequest', url);
    const name = isLoopback(parsed.host) ? hostState.name : parsed.host;
    const known = ctx.knownHost(name);
    if (!known) throw netError(`httpRequest: unknown host ${JSON.stringify(parsed.host)} in ${JSON.stringify(url)} (known hosts: ${ctx.hostList()})`, 'EHOSTUNREACH');
    target = known;
  } catch (error) {
    return Promise.reject(error);
  }
  const { port, path } = parsed;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let timer: ScheduledTask | undefined;
    const handle = {
      kill: (): void => {
        settled = true;
        if (timer) ctx.kernel.cancel(timer);
      },
    };
    const settle = (fn: () => void): void => {
      if (settled) return;
      handle.kill();
      hostState.requests.delete(handle);
      fn();
    };
    hostState.requests.add(handle);
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      timer = ctx.kernel.schedule(ctx.kernel.now() + timeoutMs, () => settle(() => reject(new TimeoutError(`httpRequest: no response from ${url} within ${timeoutMs}ms`))), ctx.ownerOf(hostState.name));
    }
    const request: HttpRequest = { method: (options.method ?? 'GET').toUpperCase(), path, headers: lowerCaseKeys(options.headers), body: options.body ?? EMPTY };
    const id = ++ctx.msgSeq;
    const label = `${hostState.name}/http#${id}`;
    ctx.stats.sent++;
    if (ctx.trace) ctx.recordMessage('send', hostState.name, hostState.name, target.name, label, id, [request.body]);
    const back = (body: Uint8Array, deliver: () => void): void => {
      const replyId = ++ctx.msgSeq;
      ctx.stats.sent++;
      if (ctx.trace) ctx.recordMessage('send', target.name, target.name, hostState.name, label, replyId, [body]);
      transfer(ctx, { from: target, to: hostState, fromIncarnation: target.incarnation, toIncarnation: hostState.incarnation, label, id: replyId, body, deliver }, false);
    };
    const onRequest = (): void => {
      const binding = ctx.bindings.get(tcpKey(target.name, port));
      const server = binding?.owner;
      if (!(server instanceof HttpServerSim) || server.closed || (binding?.loopbackOnly && hostState.name !== target.name)) {
        back(EMPTY, () => settle(() => reject(netError(`httpRequest: connection refused by ${target.name}:${port} (nothing listening) for ${url}`, 'ECONNREFUSED'))));
        return;
      }
      const serverIncarnation = target.incarnation;
      Promise.resolve()
        .then(() => server.handler({ ...request, headers: { ...request.headers } }))
        .then(
          (response) => (isResponse(response) ? response : serverError(ctx, target.name, `handler returned ${describe(response)}, expected {status, headers, body}`)),
          (error: unknown) => serverError(ctx, target.name, error instanceof Error ? error.message : String(error)),
        )
        .then((response) => {
          if (target.incarnation !== serverIncarnation) return; // the server crashed while handling
          const reply: HttpResponse = { status: response.status, headers: lowerCaseKeys(response.headers), body: response.body ?? EMPTY };
          back(reply.body, () => settle(() => resolve(reply)));
        });
    };
    transfer(ctx, { from: hostState, to: target, fromIncarnation: hostState.incarnation, toIncarnation: target.incarnation, label, id, body: request.body, deliver: onRequest });
  });
}

function serverError(ctx: NetContext, host: string, message: string): HttpResponse {
  ctx.record('http-error', host, { error: message });
  return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: encoder.encode(`Internal Server Error: ${message}`) };
}
