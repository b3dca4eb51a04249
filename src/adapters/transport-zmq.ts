// The production TransportPort: ZeroMQ sockets from zeromq.js v6 (libzmq 4.3) and HTTP from
// TransportHttp (node:http + undici), composed here so a component gets one transport in both
// worlds. It keeps track of the sockets it made so close() can release everything a service
// opened: with lingerMs 0 (or a short linger) the process then exits at once; with the default
// linger -1, libzmq holds the exit until queued messages are delivered (see socket-zmq.ts).

import * as zmq from 'zeromq';
import { silentLogger, type Logger } from '../core/ports.js';
import { checkSocketOptions } from '../core/socket-options.js';
import {
  SOCKET_TYPES,
  type HttpHandler,
  type HttpRequestOptions,
  type HttpResponse,
  type HttpServerHandle,
  type Socket,
  type SocketOptions,
  type SocketType,
  type TransportPort,
} from '../core/transport.js';
import { checkOneOf, checkOptions, expected } from '../core/validate.js';
import { applySocketOptions } from './socket-options-zmq.js';
import { SocketZmq } from './socket-zmq.js';

// TEMPORARY until src/adapters/transport-http.ts lands: loaded on first HTTP use so the ZeroMQ
// side works (and type-checks) without it. Replaced by a static import once it exists.
interface TransportHttp {
  httpListen(address: string, handler: HttpHandler): Promise<HttpServerHandle>;
  httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}
const TRANSPORT_HTTP_MODULE = './transport-http.js';

export interface TransportZmqOptions {
  /** The zeromq.js context sockets are made in; zeromq.js's shared default context if absent. */
  context?: zmq.Context;
  /** Where errors nobody awaits (a failing event listener) are reported. Silent by default. */
  logger?: Logger;
}

type SocketClass = new (options?: { context?: zmq.Context }) => zmq.Socket;

const SOCKET_CLASSES: Readonly<Record<SocketType, SocketClass>> = {
  push: zmq.Push,
  pull: zmq.Pull,
  dealer: zmq.Dealer,
  router: zmq.Router,
  pub: zmq.Publisher,
  sub: zmq.Subscriber,
  req: zmq.Request,
  rep: zmq.Reply,
};

export class TransportZmq implements TransportPort {
  private readonly context: zmq.Context | undefined;
  private readonly logger: Logger;
  private readonly sockets = new Set<SocketZmq>();
  private readonly forget = (socket: SocketZmq): void => {
    this.sockets.delete(socket);
  };
  private http: Promise<TransportHttp> | undefined;
  private closed = false;

  constructor(options: TransportZmqOptions = {}) {
    checkOptions('TransportZmq options', options, ['context', 'logger']);
    if (options.context !== undefined && !(options.context instanceof zmq.Context)) {
      throw new TypeError(expected('context', 'a zeromq Context', options.context));
    }
    this.context = options.context;
    this.logger = options.logger ?? silentLogger;
  }

  /** Sockets made by this transport and not yet closed. */
  get openSockets(): number {
    return this.sockets.size;
  }

  socket(type: SocketType, options?: SocketOptions): Socket {
    checkOneOf('socket type', type, SOCKET_TYPES);
    checkSocketOptions(type, options);
    if (this.closed) throw Object.assign(new Error('socket: the transport is closed (EBADF)'), { code: 'EBADF' });
    const Class = SOCKET_CLASSES[type];
    const raw = this.context ? new Class({ context: this.context }) : new Class();
    try {
      applySocketOptions(raw, options);
    } catch (error) {
      raw.close();
      throw error;
    }
    const socket = new SocketZmq(type, raw, this.logger, this.forget);
    this.sockets.add(socket);
    return socket;
  }

  async httpListen(address: string, handler: HttpHandler): Promise<HttpServerHandle> {
    return (await this.httpSide()).httpListen(address, handler);
  }

  async httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return (await this.httpSide()).httpRequest(url, options);
  }

  /** Closes every socket this transport made (each lingers as its lingerMs says) and the HTTP side. */
  async close(): Promise<void> {
    this.closed = true;
    for (const socket of [...this.sockets]) socket.close();
    const http = this.http;
    this.http = undefined;
    if (http) await (await http).close();
  }

  private httpSide(): Promise<TransportHttp> {
    if (this.closed) return Promise.reject(Object.assign(new Error('http: the transport is closed (EBADF)'), { code: 'EBADF' }));
    return (this.http ??= (import(TRANSPORT_HTTP_MODULE) as Promise<{ TransportHttp: new (options: { logger: Logger }) => TransportHttp }>).then(
      (module) => new module.TransportHttp({ logger: this.logger }),
    ));
  }
}
