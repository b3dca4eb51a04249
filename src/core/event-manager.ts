// Toto's EventManager over the TransportPort: events between server processes. It listens with
// a PULL bound on `address` and sends through one PUSH per registered server; an event is one
// frame, compress(dumps({name, args})) (event-manager-wire.ts). send() goes to every server, or
// with broadcast false to the next one in a shuffled round-robin order (event-manager-servers.ts).
// Handlers fire once unless they persist, and never once their `until` has finished
// (event-manager-handlers.ts); the receive loop is event-manager-receiver.ts. This class holds
// them together with Toto's API. The same code runs on the simulated network and on real zeromq.js.
//
// Unlike Toto: a handler's error is logged and the receive loop goes on (Toto's thread died with
// it); a malformed frame is counted, logged (the first ten, then every power of ten) and dropped;
// each server's queue is bounded (sendQueueMax); `on(name)` streams events to a for-await loop.

import { ErrorCode, TotoError } from './errors.js';
import { FailureBackoff } from './failure-backoff.js';
import { HandlerRegistry, type EventHandler, type EventHandlerHandle, type RegisterHandlerOptions } from './event-manager-handlers.js';
import { resolveOptions, type EventManagerOptions, type EventManagerStats, type OnOptions, type ResolvedEventManagerOptions, type SendOptions } from './event-manager-options.js';
import { openStream, type EventStream } from './event-manager-stream.js';
import { EventReceiver } from './event-manager-receiver.js';
import { ServerSet } from './event-manager-servers.js';
import type { Logger } from './ports.js';
import type { Socket } from './transport.js';
import { checkNonEmptyString, checkOptions, expected } from './validate.js';

export { EventHandlerHandle, type EventHandler, type EventHandlerUntil, type RegisterHandlerOptions } from './event-manager-handlers.js';
export type { EventManagerOptions, EventManagerStats, OnOptions, SendOptions } from './event-manager-options.js';
export { decodeEvent, encodeEvent, type EventMessage } from './event-manager-wire.js';

const SEND_OPTION_NAMES = ['broadcast'];

export class EventManager {
  private static shared: EventManager | undefined;
  private static defaultFactory: (() => EventManager) | undefined;

  private readonly options: ResolvedEventManagerOptions;
  private readonly logger: Logger;
  private readonly registry: HandlerRegistry;
  private readonly serverSet: ServerSet;
  private readonly streams = new Set<EventStream<unknown>>();
  private readonly backoff: FailureBackoff;
  private readonly receiver: EventReceiver;
  private readonly counts: Omit<EventManagerStats, 'queued' | 'expired'> = {
    received: 0,
    malformed: 0,
    unhandled: 0,
    handled: 0,
    handlerErrors: 0,
    sent: 0,
    sendFailures: 0,
    dropped: 0,
    receiveFailures: 0,
  };
  private listenAddress: string | undefined;
  private socket: Socket | undefined;
  private listening: Promise<void> | undefined;
  private receiving: Promise<void> | undefined;
  private closing = false;

  constructor(options: EventManagerOptions) {
    this.options = resolveOptions(options);
    this.logger = this.options.logger;
    this.listenAddress = this.options.address;
    this.registry = new HandlerRegistry(this.options.handlerMax);
    this.backoff = new FailureBackoff(this.options.loop, this.options.backoff.firstMs, this.options.backoff.maxMs);
    const { loop, codecs, limits } = this.options;
    this.serverSet = new ServerSet({
      transport: this.options.transport,
      socketOptions: this.options.serverSocketOptions,
      sendQueueMax: this.options.sendQueueMax,
      random: this.options.random,
      codecs,
      limits,
      counts: this.counts,
      log: (level, context, message) => this.log(level, context, message),
    });
    this.receiver = new EventReceiver({
      registry: this.registry,
      loop,
      codecs,
      limits,
      backoff: this.backoff,
      counts: this.counts,
      stopping: () => this.closing,
      log: (level, context, message) => this.log(level, context, message),
    });
  }

  // ---- the process-wide instance (Toto's EventManager.instance()) ----

  /**
   * The shared EventManager, made on the first call: from `options` if given, else from the
   * factory registered with setDefaultFactory. Later calls return it and ignore `options`.
   * Simulated hosts and tests construct their own instead (one per host).
   */
  static instance(options?: EventManagerOptions): EventManager {
    if (EventManager.shared !== undefined && !EventManager.shared.closing) return EventManager.shared;
    let made: unknown;
    if (options !== undefined) made = new EventManager(options);
    else if (EventManager.defaultFactory !== undefined) made = EventManager.defaultFactory();
    else {
      throw new Error(
        'EventManager.instance: no instance yet: pass its ports on the first call (EventManager.instance({ transport, loop, random, address })) or register a factory with EventManager.setDefaultFactory',
      );
    }
    if (!(made instanceof EventManager)) throw new TypeError(expected('EventManager default factory result', 'an EventManager', made));
    EventManager.shared = made;
    return made;
  }

  /** Registers how instance() builds the shared manager when called without options; undefined unregisters. */
  static setDefaultFactory(factory: (() => EventManager) | undefined): void {
    if (factory !== undefined && typeof factory !== 'function') throw new TypeError(expected('factory', 'a function returning an EventManager', factory));
    EventManager.defaultFactory = factory;
  }

  /** Forgets the shared instance (without closing it). */
  static clearInstance(): void {
    EventManager.shared = undefined;
  }

  // ---- listening ----

  /** Where startListening() binds (Toto's `address`); settable until then. */
  get address(): string | undefined {
    return this.listenAddress;
  }

  set address(address: string | undefined) {
    if (this.listening !== undefined) throw new Error(`address: cannot change once listening (bound to ${JSON.stringify(this.listenAddress)})`);
    if (address !== undefined) checkNonEmptyString('address', address);
    this.listenAddress = address;
  }

  /** The endpoint bound, with the port a `tcp://host:*` address chose; null before listening. */
  get lastEndpoint(): string | null {
    return this.socket?.lastEndpoint ?? null;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Binds a PULL on `address` and starts handling events. Calling it again returns the same promise (Toto: a no-op). */
  startListening(): Promise<void> {
    if (this.closing) return Promise.reject(closedError('startListening'));
    if (this.listening !== undefined) return this.listening;
    const address = this.listenAddress;
    if (address === undefined) {
      return Promise.reject(new TypeError("startListening: no address: pass `address` to the constructor or set events.address first (e.g. 'tcp://*:8999')"));
    }
    const socket = this.options.transport.socket('pull', this.options.listenSocketOptions);
    this.socket = socket;
    this.listening = socket.bind(address).then(
      () => {
        if (this.closing) return;
        this.receiving = this.receiver.run(socket).catch((error: unknown) => this.log('error', { err: error }, 'event manager: receive loop failed'));
      },
      (error: unknown) => {
        // A refused bind leaves nothing behind: the socket is closed and listening may be tried again.
        socket.close();
        this.socket = undefined;
        this.listening = undefined;
        throw error;
      },
    );
    return this.listening;
  }

  // ---- servers ----

  /** The registered server addresses, in registration order. */
  get servers(): readonly string[] {
    return this.serverSet.list;
  }

  /** Adds a server: a PUSH connects to `address`. A server registered already throws (as Toto's register_server). */
  registerServer(address: string): void {
    this.checkOpen('registerServer');
    checkNonEmptyString('registerServer: address', address);
    this.serverSet.add(address);
  }

  /** Removes a server; events still queued for it are dropped (counted in stats.dropped). */
  removeServer(address: string): void {
    this.checkOpen('removeServer');
    checkNonEmptyString('removeServer: address', address);
    this.serverSet.remove(address);
  }

  /** Removes every server. */
  removeAllServers(): void {
    this.checkOpen('removeAllServers');
    this.serverSet.clear();
  }

  /** Reshuffles the round-robin order of non-broadcast events (Toto's refresh_server_queue). */
  refreshServerQueue(): void {
    this.checkOpen('refreshServerQueue');
    this.serverSet.reshuffle();
  }

  // ---- handlers ----

  /** Runs `handler(args)` when an event `name` arrives: once, unless `persist`; never after `until` finished. */
  registerHandler(name: string, handler: EventHandler, options?: RegisterHandlerOptions): EventHandlerHandle {
    this.checkOpen('registerHandler');
    return this.registry.register(name, handler, options);
  }

  /** Removes a handler; false if it was already gone (fired, finished or removed). */
  removeHandler(handle: EventHandlerHandle): boolean {
    return this.registry.remove(handle);
  }

  /** The events called `name` as an async iterator of their args (see EventStream for how it ends). */
  on<T = unknown>(name: string, options?: OnOptions): AsyncIterableIterator<T> {
    this.checkOpen('on');
    return openStream<T>(this.registry, this.streams, name, options);
  }

  // ---- sending ----

  /**
   * Sends an event to every registered server, or with `broadcast: false` to the next one in the
   * round-robin order; with no server registered it does nothing (as Toto). Returns the addresses
   * it was queued for. Args the codecs cannot encode throw (WireFormatError UNENCODABLE), and so
   * does a server whose queue is full (RangeError naming sendQueueMax); either way nothing is queued.
   */
  send(name: string, args?: unknown, options?: SendOptions): readonly string[] {
    this.checkOpen('send');
    checkNonEmptyString('send: name', name);
    if (options !== undefined) checkOptions('send options', options, SEND_OPTION_NAMES);
    const broadcast = options?.broadcast ?? true;
    if (typeof broadcast !== 'boolean') throw new TypeError(expected('send: broadcast', 'a boolean', broadcast));
    return this.serverSet.send(name, args, broadcast);
  }

  /** Sends an event to one registered server only; an address not registered throws. */
  sendToServer(address: string, name: string, args?: unknown): void {
    this.checkOpen('sendToServer');
    checkNonEmptyString('sendToServer: address', address);
    checkNonEmptyString('sendToServer: name', name);
    this.serverSet.sendTo(address, name, args);
  }

  /** Resolves once every event queued so far was taken by its server's socket (or dropped). */
  flush(): Promise<void> {
    return this.serverSet.flush();
  }

  get stats(): EventManagerStats {
    return { ...this.counts, expired: this.registry.expired, queued: this.serverSet.queued };
  }

  /**
   * Stops listening, closes every socket (a PUSH keeps delivering what it holds for its lingerMs;
   * events still queued here are dropped: call flush() first to deliver them), removes every
   * handler and ends every on() iteration after what it buffered. Resolves once the receive loop ended.
   */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (EventManager.shared === this) EventManager.shared = undefined;
      this.backoff.stop();
      try {
        if (this.socket !== undefined && !this.socket.closed) this.socket.close();
      } catch (error) {
        this.log('warn', { err: error }, 'event manager: socket close failed');
      }
      this.serverSet.clear();
      for (const stream of [...this.streams]) stream.end(true);
      this.registry.clear();
    }
    await this.listening?.catch(() => undefined);
    await this.receiving;
  }

  // ---- internals ----

  private checkOpen(what: string): void {
    if (this.closing) throw closedError(what);
  }

  /** A logger that throws must not take the receive loop with it. */
  private log(level: 'info' | 'warn' | 'error', context: Record<string, unknown>, message: string): void {
    try {
      this.logger[level](context, message);
    } catch {
      // Handling events matters more than the log line.
    }
  }
}

function closedError(what: string): TotoError {
  return new TotoError(ErrorCode.CLOSED, `${what}: the event manager is closed`);
}

