// The transport port: one socket interface that the simulated network (src/sim) and the
// real ZeroMQ/HTTP adapters (src/adapters) both implement, shaped after zeromq.js v6 so a
// wrapped real socket keeps its real semantics.

/** ZeroMQ socket kinds. REQ/REP follow ZeroMQ's envelope rules (REQ adds an empty delimiter frame). */
export type SocketType = 'push' | 'pull' | 'dealer' | 'router' | 'pub' | 'sub' | 'req' | 'rep';

export const SOCKET_TYPES: readonly SocketType[] = ['push', 'pull', 'dealer', 'router', 'pub', 'sub', 'req', 'rep'];

/** One frame of a multipart message. */
export type Frame = Uint8Array;
/** A multipart message. */
export type Message = Frame[];
/** What `send` accepts: a whole message, one frame, or a string (one UTF-8 frame). */
export type Sendable = Message | Frame | string | (Frame | string)[];

export interface SocketOptions {
  /** Identity a DEALER/REQ presents to a ROUTER (ZeroMQ routingId); assigned by the router if absent. */
  routingId?: string;
  /** ZeroMQ SNDHWM: messages queued per peer before send blocks (push/dealer/req) or drops (pub/router). Default 1000. */
  sendHighWaterMark?: number;
  /** ZeroMQ RCVHWM: messages queued on receive before the peer's sends back up. Default 1000. */
  receiveHighWaterMark?: number;
  /** How long a blocked send waits before rejecting; undefined waits forever (ZeroMQ sendTimeout). */
  sendTimeoutMs?: number;
  /** How long receive waits before rejecting; undefined waits forever (ZeroMQ receiveTimeout). */
  receiveTimeoutMs?: number;
}

export interface Socket {
  readonly type: SocketType;
  readonly closed: boolean;
  /** Binds an address (`tcp://host:port`, `ipc://path`, `inproc://name`). */
  bind(address: string): Promise<void>;
  unbind(address: string): Promise<void>;
  /** Connects to an address; the peer may bind before or after (ZeroMQ reconnects). */
  connect(address: string): void;
  disconnect(address: string): void;
  /** Queues a message. At the high-water mark push/dealer/req wait; pub/router drop (ZeroMQ semantics). */
  send(message: Sendable): Promise<void>;
  /** The next incoming message; rejects once the socket is closed. */
  receive(): Promise<Message>;
  [Symbol.asyncIterator](): AsyncIterator<Message>;
  /** SUB only: receive messages whose first frame starts with `prefix` (all if empty). */
  subscribe(prefix?: string | Uint8Array): void;
  unsubscribe(prefix?: string | Uint8Array): void;
  /** Closes the socket; pending receives reject, queued messages are dropped. */
  close(): void;
}

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/rpc?x=1`. */
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type HttpHandler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

export interface HttpServerHandle {
  /** The bound address, e.g. `http://127.0.0.1:8080`. */
  readonly address: string;
  close(): Promise<void>;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Rejects with a TIMEOUT TotoError after this long. */
  timeoutMs?: number;
}

/** Everything a component needs to talk to the network. */
export interface TransportPort {
  socket(type: SocketType, options?: SocketOptions): Socket;
  httpListen(address: string, handler: HttpHandler): Promise<HttpServerHandle>;
  httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}
