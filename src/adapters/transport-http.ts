// The real HTTP half of TransportPort: `httpListen` on node:http (see http-server.ts) and
// `httpRequest` on undici through one keep-alive Agent owned by the instance. Outcomes, error
// codes and messages are those of the simulated HTTP (src/sim/network/http-sim.ts), both
// built from src/core/http-message.ts; test/contract/http.contract.test.ts holds them equal.
// undici's own headers/body timers are off: a request waits as long as timeoutMs says, or
// forever without it, exactly as in the simulation.

import { Agent } from 'undici';
import {
  HTTP_MAX_BODY_BYTES_DEFAULT,
  checkListenLimits,
  checkListenOptions,
  checkMaxBodyBytes,
  defaultListenLimits,
  type HttpListenLimits,
  checkRequestOptions,
  parseListenAddress,
  parseRequestUrl,
} from '../core/http-message.js';
import { silentLogger, type Logger } from '../core/ports.js';
import type { HttpHandler, HttpListenOptions, HttpRequestOptions, HttpResponse, HttpServerHandle } from '../core/transport.js';
import { checkFunction, checkInteger, checkOptions, expected } from '../core/validate.js';
import { ResponseRead, closedError } from './http-client.js';
import { HttpServerNode } from './http-server.js';

export interface TransportHttpOptions {
  /**
   * Largest body accepted, in bytes: a server answers 413 to a larger request body without
   * calling its handler; a client rejects a larger response body with BODY_TOO_LARGE.
   * Default 16 MiB (HTTP_MAX_BODY_BYTES_DEFAULT, the simulation's limit).
   */
  maxBodyBytes?: number;
  /** Handler failures (error) and aborted requests (debug). Silent by default. */
  logger?: Logger;
  /** How long an idle keep-alive connection stays open: server side; the client keeps its own 1 s shorter. Default 5000. */
  keepAliveTimeoutMs?: number;
  /** How long a server's close() lets requests in progress finish before closing their connections. Default 5000. */
  closeGraceMs?: number;
  /** Most connections the client opens per origin; undefined (default) opens one per request in flight. */
  connectionsMax?: number;
  /**
   * A server's deadline for a request's headers and body: past it, 408 and the connection closes.
   * Default 30000 (HTTP_REQUEST_TIMEOUT_MS_DEFAULT); httpListen's options may set it per server.
   */
  requestTimeoutMs?: number;
  /**
   * Most bytes of request bodies one server holds at once (being received or handled); a body that
   * would pass it gets 503. Default 64 MiB, or maxBodyBytes if larger; httpListen's options may set it per server.
   */
  bufferedBytesMax?: number;
}

const KNOWN_OPTIONS = ['maxBodyBytes', 'logger', 'keepAliveTimeoutMs', 'closeGraceMs', 'connectionsMax', 'requestTimeoutMs', 'bufferedBytesMax'];

export class TransportHttp {
  private readonly maxBodyBytes: number;
  private readonly logger: Logger;
  private readonly keepAliveTimeoutMs: number;
  private readonly closeGraceMs: number;
  private readonly listenLimits: HttpListenLimits;
  private readonly agent: Agent;
  private readonly servers = new Set<HttpServerNode>();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: TransportHttpOptions = {}) {
    checkOptions('TransportHttp options', options, KNOWN_OPTIONS);
    const o = options ?? {};
    if (o.maxBodyBytes !== undefined) checkMaxBodyBytes('maxBodyBytes', o.maxBodyBytes);
    if (o.keepAliveTimeoutMs !== undefined) checkInteger('keepAliveTimeoutMs', o.keepAliveTimeoutMs, 1_001, 2 ** 31 - 1);
    if (o.closeGraceMs !== undefined) checkInteger('closeGraceMs', o.closeGraceMs, 0, 2 ** 31 - 1);
    if (o.connectionsMax !== undefined) checkInteger('connectionsMax', o.connectionsMax, 1);
    if (o.logger !== undefined && (o.logger === null || typeof o.logger.error !== 'function')) {
      throw new TypeError(expected('logger', 'a pino-compatible logger', o.logger));
    }
    this.maxBodyBytes = o.maxBodyBytes ?? HTTP_MAX_BODY_BYTES_DEFAULT;
    this.listenLimits = checkListenLimits(o, this.maxBodyBytes, defaultListenLimits(this.maxBodyBytes));
    this.logger = o.logger ?? silentLogger;
    this.keepAliveTimeoutMs = o.keepAliveTimeoutMs ?? 5_000;
    this.closeGraceMs = o.closeGraceMs ?? 5_000;
    this.agent = new Agent({
      // Shorter than the server's, so the client never reuses a connection the server is closing.
      keepAliveTimeout: this.keepAliveTimeoutMs - 1_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(o.connectionsMax !== undefined ? { connections: o.connectionsMax } : {}),
    });
  }

  /** Listens at `http://host:port` (port 0: any free port, named by the handle's address); `options` override this transport's limits. */
  httpListen(address: string, handler: HttpHandler, listenOptions?: HttpListenOptions): Promise<HttpServerHandle> {
    let host: string;
    let port: number;
    let limits: HttpListenLimits;
    try {
      this.checkOpen('httpListen');
      checkFunction('httpListen: handler', handler);
      ({ host, port } = parseListenAddress(address));
      limits = checkListenOptions(listenOptions, this.maxBodyBytes, this.listenLimits);
    } catch (error) {
      return Promise.reject(error);
    }
    const options = { maxBodyBytes: this.maxBodyBytes, logger: this.logger, keepAliveTimeoutMs: this.keepAliveTimeoutMs, closeGraceMs: this.closeGraceMs, ...limits };
    return HttpServerNode.listen(host, port, handler, options, (server) => this.servers.delete(server)).then(
      async (server) => {
        // close() ran while this server was starting: it must not outlive the transport.
        if (this.closed) {
          await server.destroy();
          throw closedError('httpListen: TransportHttp is closed');
        }
        this.servers.add(server);
        return server;
      },
      (error: NodeJS.ErrnoException) => {
        throw listenError(address, error);
      },
    );
  }

  /** One request; rejects with TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET or BODY_TOO_LARGE TotoErrors. */
  httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    try {
      this.checkOpen('httpRequest');
      const checked = checkRequestOptions(options);
      const parsed = parseRequestUrl(url);
      return this.send(url, parsed, checked);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private send(url: string, parsed: ReturnType<typeof parseRequestUrl>, checked: ReturnType<typeof checkRequestOptions>): Promise<HttpResponse> {
    // undici's dispatch API with one handler object per request (see ResponseRead): its timer
    // aborts the request through the abort function undici hands it, no signal. An AbortController
    // and its listener had been 4.4 us, then an EventEmitter signal 0.15 us (bench rpc).
    const read = new ResponseRead(url, parsed, checked.method, this.maxBodyBytes, checked.timeoutMs);
    this.agent.dispatch(
      { origin: `http://${parsed.host}:${parsed.port}`, path: parsed.path, method: checked.method as 'GET', headers: checked.headers, body: checked.body.length > 0 ? checked.body : null },
      read,
    );
    return read.promise;
  }

  /** Closes every server this instance started (requests in progress included) and the client. */
  close(): Promise<void> {
    // Every caller waits for the same end: a second close() must not resolve while the first still runs.
    return (this.closing ??= this.closeAll());
  }

  private async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.servers].map((server) => server.destroy()));
    await this.agent.destroy();
  }

  private checkOpen(op: string): void {
    if (this.closed) throw closedError(`${op}: TransportHttp is closed`);
  }
}

/** node's listen errors, named as the simulation names them (EADDRINUSE, EADDRNOTAVAIL, ...). */
function listenError(address: string, error: NodeJS.ErrnoException): Error {
  const why = error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : error.message;
  const wrapped = new Error(`httpListen: ${why} ${JSON.stringify(address)} (${error.code ?? 'unknown'})`, { cause: error });
  (wrapped as NodeJS.ErrnoException).code = error.code;
  return wrapped;
}
