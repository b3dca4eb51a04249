// HTTP over the simulated links: a request and its response are one message each way,
// with the links' latency, loss, duplication, partitions and holds. The outcomes, codes and
// messages are the real transport's (src/adapters/transport-http.ts), both built from
// src/core/http-message.ts and held equal by test/contract/http.contract.test.ts: nothing
// listening gives CONNECTION_REFUSED (after the round trip a real RST takes), a server host
// crashing mid-request CONNECTION_RESET, a handler that throws a 500, a request body over the
// limit a 413 without calling the handler, a response body over it BODY_TOO_LARGE, and
// timeoutMs TIMEOUT. Both sides use the default limit, HTTP_MAX_BODY_BYTES_DEFAULT.
//
// httpListen's limits (HttpListenOptions) are checked as the real transport checks them. A body
// the server holds (from its arrival until the response leaves) counts against bufferedBytesMax,
// and one that would pass it gets the real server's 503, as test/contract/http-limits.contract
// .test.ts holds. requestTimeoutMs is accepted and never fires: a request arrives here whole, in
// one message, so no server ever waits for the rest of one (a real server's slowloris deadline is
// tested against node:http, test/unit/adapters/http-server-limits.test.ts).

import type { HttpUrl } from '../../core/address.js';
import {
  HTTP_MAX_BODY_BYTES_DEFAULT,
  checkHandlerResponse,
  checkListenOptions,
  defaultListenLimits,
  serverBusyReason,
  transportRefusalFor,
  type HttpListenLimits,
  checkRequestOptions,
  connectionRefused,
  connectionReset,
  parseListenAddress,
  parseRequestUrl,
  payloadTooLargeFor,
  peerOf,
  requestTimedOut,
  responseHasBody,
  responseTooLarge,
  serverErrorResponse,
  type CheckedRequest,
} from '../../core/http-message.js';
import type { ScheduledTask } from '../../core/scheduler.js';
import type { HttpHandler, HttpListenOptions, HttpRequest, HttpRequestOptions, HttpResponse, HttpServerHandle } from '../../core/transport.js';
import { checkFunction } from '../../core/validate.js';
import { isAnyInterface, isLoopback, tcpKey } from './address.js';
import type { HostState, NetContext } from './net-context.js';
import { netError } from './net-error.js';
import { RESOLVED } from './socket-sim.js';
import type { Binding } from './pipe-end.js';
import { addBinding, removeBinding } from './wiring.js';

const EMPTY = new Uint8Array(0);
/** Linux's default ephemeral range starts here (net.ipv4.ip_local_port_range). */
const EPHEMERAL_PORT_MIN = 32768;
const DEFAULT_LIMITS = defaultListenLimits(HTTP_MAX_BODY_BYTES_DEFAULT);

export class HttpServerSim implements HttpServerHandle {
  closed = false;
  binding: Binding | undefined;
  /** Resets of the requests being handled: a crash sends them, a graceful close lets them finish. */
  readonly inFlight = new Set<() => void>();
  /** Bytes of request bodies held now (from arrival until the response leaves); bounded by limits.bufferedBytesMax. */
  bufferedBytes = 0;

  constructor(
    private readonly ctx: NetContext,
    private readonly hostState: HostState,
    readonly address: string,
    readonly port: number,
    readonly handler: HttpHandler,
    readonly limits: HttpListenLimits,
  ) {}

  get host(): string {
    return this.hostState.name;
  }

  close(): Promise<void> {
    this.stop();
    return RESOLVED;
  }

  /** The host crashed: nothing more is accepted, and requests in progress are reset. */
  kill(): void {
    this.stop();
    for (const reset of [...this.inFlight]) reset();
    this.inFlight.clear();
    this.bufferedBytes = 0;
  }

  /** Stops accepting; requests in progress still get their responses (node's server.close()). */
  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.binding) removeBinding(this.ctx, this.binding, 'closed');
    this.hostState.servers.delete(this);
  }
}

export function httpListen(ctx: NetContext, hostState: HostState, address: string, handler: HttpHandler, options?: HttpListenOptions): Promise<HttpServerHandle> {
  try {
    checkFunction('httpListen: handler', handler);
    const url = parseListenAddress(address);
    const limits = checkListenOptions(options, HTTP_MAX_BODY_BYTES_DEFAULT, DEFAULT_LIMITS);
    const self = hostState.name;
    if (!isLoopback(url.host) && !isAnyInterface(url.host) && url.host !== self) {
      // Worded as the real transport words node's EADDRNOTAVAIL (the contract compares them).
      throw netError(`httpListen: cannot assign requested address ${JSON.stringify(address)}`, 'EADDRNOTAVAIL');
    }
    const port = url.port === 0 ? freePort(ctx, self) : url.port;
    // Named as the real transport names it (node's EADDRINUSE).
    if (ctx.bindings.has(tcpKey(self, port))) throw netError(`httpListen: address already in use ${JSON.stringify(address)}`, 'EADDRINUSE');
    const bound = `http://${url.host}:${port}`;
    const server = new HttpServerSim(ctx, hostState, bound, port, handler, limits);
    server.binding = addBinding(ctx, server, self, { scheme: 'tcp', host: url.host, port, path: '' }, bound);
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
  /** Arrival at a process that crashed since the message left (its OS answers with a reset). */
  crashed?: () => void;
}

/** Sends one HTTP message over the link from -> to; `deliver` runs on arrival unless it is lost. */
function transfer(ctx: NetContext, t: Transfer, duplicate = true): void {
  const link = ctx.links.current(ctx.links.link(t.from.name, t.to.name));
  const frames = [t.body];
  if (link.dropRate > 0 && ctx.random.float() < link.dropRate) {
    ctx.drop('lossy-link', t.from.name, t.from.name, t.to.name, t.label, t.id, frames);
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
    // A partition stalls the TCP connection like a hold: it arrives once the link flows again.
    if (now.held || now.partitioned) {
      ctx.stats.held++;
      // On release it arrives in an event of the receiving host, like any delivery.
      now.parked.push({ resume: () => arriveLater(ctx.kernel.now()) });
      return;
    }
    if (t.from.incarnation !== t.fromIncarnation || t.to.incarnation !== t.toIncarnation) {
      ctx.drop('crash', t.to.name, t.from.name, t.to.name, t.label, t.id, frames);
      if (t.from.incarnation === t.fromIncarnation) t.crashed?.();
      return;
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

/** The port an `http://host:0` listen gets: the lowest free one from Linux's ephemeral range. */
function freePort(ctx: NetContext, host: string): number {
  for (let port = EPHEMERAL_PORT_MIN; port <= 65535; port++) if (!ctx.bindings.has(tcpKey(host, port))) return port;
  throw netError(`httpListen: no free port left on host ${JSON.stringify(host)}`, 'EADDRINUSE');
}

export function httpRequest(ctx: NetContext, hostState: HostState, url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
  let target: HostState;
  let parsed: HttpUrl;
  let checked: CheckedRequest;
  try {
    checked = checkRequestOptions(options);
    parsed = parseRequestUrl(url);
    const name = isLoopback(parsed.host) ? hostState.name : parsed.host;
    const known = ctx.knownHost(name);
    if (!known) throw netError(`httpRequest: unknown host ${JSON.stringify(parsed.host)} in ${JSON.stringify(url)} (known hosts: ${ctx.hostList()})`, 'EHOSTUNREACH');
    target = known;
  } catch (error) {
    return Promise.reject(error);
  }
  const { port } = parsed;
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
    if (checked.timeoutMs !== undefined) {
      const timeoutMs = checked.timeoutMs;
      timer = ctx.kernel.schedule(ctx.kernel.now() + timeoutMs, () => settle(() => reject(requestTimedOut(url, timeoutMs))), ctx.ownerOf(hostState.name));
    }
    // What a node:http server sees: the caller's headers and the Host undici sends.
    const headers = { host: peerOf(parsed), ...checked.headers };
    const request: HttpRequest = { method: checked.method, path: parsed.path, headers, body: checked.body };
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
    const reply = (response: HttpResponse): void => {
      if (response.body.length > HTTP_MAX_BODY_BYTES_DEFAULT) {
        back(response.body, () => settle(() => reject(responseTooLarge(url, HTTP_MAX_BODY_BYTES_DEFAULT))));
        return;
      }
      back(response.body, () => settle(() => resolve({ status: response.status, headers: { ...response.headers }, body: response.body })));
    };
    const onRequest = (): void => {
      const binding = ctx.bindings.get(tcpKey(target.name, port));
      const server = binding?.owner;
      if (!(server instanceof HttpServerSim) || server.closed || (binding?.loopbackOnly && hostState.name !== target.name)) {
        back(EMPTY, () => settle(() => reject(connectionRefused(url, parsed))));
        return;
      }
      if (request.body.length > HTTP_MAX_BODY_BYTES_DEFAULT) return reply(payloadTooLargeFor(server.handler, HTTP_MAX_BODY_BYTES_DEFAULT));
      const held = request.body.length;
      if (server.bufferedBytes + held > server.limits.bufferedBytesMax) {
        return reply(transportRefusalFor(server.handler, 503, serverBusyReason(server.limits.bufferedBytesMax)));
      }
      server.bufferedBytes += held;
      // The server process dies mid-request: its OS resets the connection (a real RST, one latency back).
      const reset = (): void => back(EMPTY, () => settle(() => reject(connectionReset(url, parsed))));
      server.inFlight.add(reset);
      const serverIncarnation = target.incarnation;
      Promise.resolve()
        .then(() => server.handler({ ...request, headers: { ...request.headers } }))
        .then(
          (value) => {
            const response = checkHandlerResponse(value);
            return typeof response === 'string' ? serverError(ctx, target.name, response) : response;
          },
          (error: unknown) => serverError(ctx, target.name, error instanceof Error ? error.message : String(error)),
        )
        .then((response) => {
          if (target.incarnation !== serverIncarnation) return; // the crash already reset the connection
          server.inFlight.delete(reset);
          server.bufferedBytes -= held;
          reply(responseHasBody(request.method, response.status) ? response : { ...response, body: EMPTY });
        });
    };
    // A request reaching a server process that died on the way meets its OS: a reset, one latency back.
    const crashed = (): void => back(EMPTY, () => settle(() => reject(connectionReset(url, parsed))));
    transfer(ctx, { from: hostState, to: target, fromIncarnation: hostState.incarnation, toIncarnation: target.incarnation, label, id, body: request.body, deliver: onRequest, crashed });
  });
}

function serverError(ctx: NetContext, host: string, message: string): HttpResponse {
  ctx.record('http-error', host, { error: message });
  return serverErrorResponse(message);
}
