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
  /**
   * ZeroMQ linger: how long `close()` keeps delivering messages still queued. -1 (the default in
   * zeromq.js 6.8 / libzmq 4.3.5) until they are delivered, 0 drops them at once, n at most n ms.
   * Real processes wait for it at exit: with -1 and a peer that never comes, zeromq.js holds the
   * exit forever (warning "Waiting for queued ZeroMQ messages to be delivered"); set 0 or a short
   * linger on sockets that may outlive their peers.
   */
  lingerMs?: number;
  /**
   * ROUTER only (ZeroMQ ROUTER_MANDATORY): a send to an unknown identity rejects with EHOSTUNREACH
   * instead of being dropped silently, and a send to a peer whose pipe is full waits.
   */
  mandatory?: boolean;
  /**
   * Delay before a connecting socket retries a lost or refused connection. Default 100. libzmq
   * 4.3 adds a random jitter to each try (observed: 21-26 ms for 20), reported in connect:retry.
   */
  reconnectIntervalMs?: number;
  /** Upper bound of the reconnect backoff (the interval doubles per failed try); 0 (default) = no backoff. */
  reconnectIntervalMsMax?: number;
  /** ZMTP heartbeats: send a PING this often on every connection; 0 (default) = off. */
  heartbeatIntervalMs?: number;
  /** A connection that hears nothing for this long is broken (what was in flight is lost). Default: heartbeatIntervalMs. */
  heartbeatTimeoutMs?: number;
  /** Largest message (all frames, in bytes) this socket accepts; a peer sending more is disconnected. -1 (default) = no limit. */
  maxMessageSize?: number;
}

/**
 * What `socket.events` reports, named as zeromq.js names them. 'close' is a connection's
 * descriptor closing; 'end' comes once, when the socket itself is closed.
 */
export type SocketEventType =
  | 'bind'
  | 'bind:error'
  | 'accept'
  | 'accept:error'
  | 'connect'
  | 'connect:delay'
  | 'connect:retry'
  | 'handshake'
  | 'handshake:error'
  | 'disconnect'
  | 'close'
  | 'close:error'
  | 'end';

export const SOCKET_EVENT_TYPES: readonly SocketEventType[] = [
  'bind',
  'bind:error',
  'accept',
  'accept:error',
  'connect',
  'connect:delay',
  'connect:retry',
  'handshake',
  'handshake:error',
  'disconnect',
  'close',
  'close:error',
  'end',
];

export interface SocketEvent {
  type: SocketEventType;
  /** The endpoint the event concerns, e.g. `tcp://127.0.0.1:5555` (empty for 'end'). */
  address: string;
  /** connect:retry: the delay before the next try. */
  intervalMs?: number;
  /** *:error events: the errno name, e.g. 'EADDRINUSE'. */
  errorCode?: string;
}

/**
 * A socket's connection events (zeromq.js `socket.events`). Observation starts at the first use
 * of `on`, `receive` or iteration: earlier events are not reported, as in zeromq.js. Events that
 * wait to be received are bounded (the oldest are dropped past 1000); listeners see every one.
 */
export interface SocketEvents extends AsyncIterable<SocketEvent> {
  /** Calls `listener` for every event of `type` from now on; returns a function that stops it. */
  on(type: SocketEventType, listener: (event: SocketEvent) => void): () => void;
  /** The next event; rejects once the socket is closed and every event was received. */
  receive(): Promise<SocketEvent>;
}

export interface Socket {
  readonly type: SocketType;
  readonly closed: boolean;
  /** The last endpoint bound or connected (zeromq.js sets it on both), with the port a `tcp://host:*` bind chose; null before either. */
  readonly lastEndpoint: string | null;
  /** Connection events: connect, accept, handshake, disconnect, close, ... (see SocketEvents). */
  readonly events: SocketEvents;
  /** Binds an address (`tcp://host:port`, `tcp://host:*` for any free port, `ipc://path`, `inproc://name`). */
  bind(address: string): Promise<void>;
  unbind(address: string): Promise<void>;
  /** Connects to an address; the peer may bind before or after (ZeroMQ reconnects). */
  connect(address: string): void;
  disconnect(address: string): void;
  /**
   * Queues a message. At the high-water mark push/dealer/req wait; pub/router drop (ZeroMQ semantics).
   * As in zeromq.js: a second send while one is pending throws EBUSY synchronously, a send after
   * close throws EBADF synchronously, and out-of-turn REQ/REP sends stay pending (no EFSM).
   */
  send(message: Sendable): Promise<void>;
  /** The next incoming message; rejects once the socket is closed. EBUSY/EBADF as `send`. */
  receive(): Promise<Message>;
  [Symbol.asyncIterator](): AsyncIterator<Message>;
  /** SUB only: receive messages whose first frame starts with `prefix` (all if empty). */
  subscribe(prefix?: string | Uint8Array): void;
  unsubscribe(prefix?: string | Uint8Array): void;
  /**
   * Closes the socket: pending sends and receives reject (EBADF is thrown by any later call);
   * queued outgoing messages are delivered or dropped as `lingerMs` says.
   */
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

/**
 * Limits of one HTTP server (httpListen's options), the same in both worlds. Defaults:
 * HTTP_REQUEST_TIMEOUT_MS_DEFAULT and HTTP_BUFFERED_BYTES_MAX_DEFAULT (src/core/http-message.ts),
 * or what the transport was built with.
 */
export interface HttpListenOptions {
  /** Headers and body of a request must arrive within this long; then 408 and the connection closes. */
  requestTimeoutMs?: number;
  /** Request bodies the server holds at once (being received or handled), in bytes; a body past it gets 503. */
  bufferedBytesMax?: number;
}

/** Everything a component needs to talk to the network. */
export interface TransportPort {
  socket(type: SocketType, options?: SocketOptions): Socket;
  httpListen(address: string, handler: HttpHandler, options?: HttpListenOptions): Promise<HttpServerHandle>;
  httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}
