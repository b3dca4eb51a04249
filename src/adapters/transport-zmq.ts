// The production TransportPort: ZeroMQ sockets from zeromq.js v6 (libzmq 4.3) and HTTP from
// TransportHttp (node:http + undici), composed here so a component gets one transport in both
// worlds. It keeps track of the sockets it made so close() can release everything a service
// opened: with lingerMs 0 (or a short linger) the process then exits at once; with the default
// linger -1, libzmq holds the exit until queued messages are delivered (SocketOptions.lingerMs).

import * as zmq from 'zeromq';
import { silentLogger, type Logger } from '../core/ports.js';
import { checkSocketOptions } from '../core/socket-options.js';
import {
  SOCKET_TYPES,
  type HttpHandler,
  type HttpListenOptions,
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
import { TransportHttp, type TransportHttpOptions } from './transport-http.js';

export interface TransportZmqOptions {
  /** The zeromq.js context sockets are made in; zeromq.js's shared default context if absent. */
  context?: zmq.Context;
  /** Where errors nobody awaits (a failing event listener) are reported. Silent by default. */
  logger?: Logger;
  /** Options of the HTTP side (TransportHttp: body limit, keep-alive); its logger defaults to `logger`. */
  http?: TransportHttpOptions;
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
  private readonly httpOptions: TransportHttpOptions;
  private http: TransportHttp | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: TransportZmqOptions = {}) {
    checkOptions('TransportZmq options', options, ['context', 'logger', 'http']);
    if (options.context !== undefined && !(options.context instanceof zmq.Context)) {
      throw new TypeError(expected('context', 'a zeromq Context', options.context));
    }
    this.context = options.context;
    this.logger = options.logger ?? silentLogger;
    this.httpOptions = { logger: this.logger, ...options.http };
    // Checked now, not at the first request: a bad HTTP option is a construction error.
    if (options.http !== undefined) this.http = new TransportHttp(this.httpOptions);
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

  httpListen(address: string, handler: HttpHandler, options?: HttpListenOptions): Promise<HttpServerHandle> {
    if (this.closed) return transportClosed('httpListen');
    return this.httpSide().httpListen(address, handler, options);
  }

  httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    if (this.closed) return transportClosed('httpRequest');
    return this.httpSide().httpRequest(url, options);
  }

  /** Closes every socket this transport made (each lingers as its lingerMs says) and the HTTP side. */
  close(): Promise<void> {
    // Every caller waits for the same end: a second close() must not resolve while the HTTP side still closes.
    return (this.closing ??= this.closeAll());
  }

  private async closeAll(): Promise<void> {
    this.closed = true;
    for (const socket of [...this.sockets]) socket.close();
    const http = this.http;
    this.http = undefined;
    if (http) await http.close();
  }

  /** The HTTP side, made on first use: a transport used only for ZeroMQ never creates the undici Agent. */
  private httpSide(): TransportHttp {
    return (this.http ??= new TransportHttp(this.httpOptions));
  }
}

function transportClosed(op: string): Promise<never> {
  return Promise.reject(Object.assign(new Error(`${op}: the transport is closed (EBADF)`), { code: 'EBADF' }));
}
