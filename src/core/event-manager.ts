// Toto's EventManager over the TransportPort: events between server processes. It listens with
// a PULL bound on `address` and sends through one PUSH per registered server; an event is one
// frame, compress(dumps({name, args})) (event-manager-wire.ts). send() goes to every server, or
// with broadcast false to the next one in a shuffled round-robin order (RoundRobin, reshuffled by
// the injected random on every membership change, as Toto's refresh_server_queue). Handlers fire
// once unless they persist, and never once their `until` has finished (event-manager-handlers.ts).
// The same code runs on the simulated network and on real zeromq.js.
//
// Unlike Toto: a handler's error is logged and the receive loop goes on (Toto's thread died with
// it); a malformed frame is counted, logged (the first ten, then every power of ten) and dropped;
// each server's queue is bounded (sendQueueMax); `on(name)` streams events to a for-await loop.

import { ErrorCode, TotoError, WireFormatError } from './errors.js';
import { FailureBackoff } from './failure-backoff.js';
import { HandlerRegistry, type EventHandler, type EventHandlerHandle, type RegisterHandlerOptions } from './event-manager-handlers.js';
import { resolveOptions, ON_BUFFER_MAX_DEFAULT, type EventManagerOptions, type EventManagerStats, type OnOptions, type ResolvedEventManagerOptions, type SendOptions } from './event-manager-options.js';
import { ServerOutbox } from './event-manager-outbox.js';
import { EventStream } from './event-manager-stream.js';
import { decodeEvent, encodeEvent } from './event-manager-wire.js';
import type { Logger } from './ports.js';
import { RoundRobin } from './round-robin.js';
import type { Socket } from './transport.js';
import { checkInteger, checkNonEmptyString, checkOptions, expected } from './validate.js';

export { EventHandlerHandle, type EventHandler, type EventHandlerUntil, type RegisterHandlerOptions } from './event-manager-handlers.js';
export type { EventManagerOptions, EventManagerStats, OnOptions, SendOptions } from './event-manager-options.js';
export { decodeEvent, encodeEvent, type EventMessage } from './event-manager-wire.js';

/** Malformed frames logged one by one before the log thins out to every power of ten. */
const MALFORMED_LOGGED_EACH = 10;
/** Registered addresses named in an error message at most. */
const ADDRESSES_SHOWN = 5;

export class EventManager {
  private static shared: EventManager | undefined;
  private static defaultFactory: (() => EventManager) | undefined;

  private readonly options: ResolvedEventManagerOptions;
  private readonly logger: Logger;
  private readonly registry: HandlerRegistry;
  private readonly outboxes = new Map<string, ServerOutbox>();
  private readonly order: RoundRobin<string>;
  /** The registered addresses (registration order), frozen: send() returns it for a broadcast. */
  private addresses: readonly string[] = Object.freeze([]);
  private readonly streams = new Set<EventStream<unknown>>();
  private readonly backoff: FailureBackoff;
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
    this.order = new RoundRobin<string>({ random: this.options.random });
    this.backoff = new FailureBackoff(this.options.loop, this.options.backoff.firstMs, this.options.backoff.maxMs);
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
        this.receiving = this.receiveLoop(socket).catch((error: unknown) => this.log('error', { err: error }, 'event manager: receive loop failed'));
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
    return this.addresses;
  }

  /** Adds a server: a PUSH connects to `address`. A server registered already throws (as Toto's register_server). */
  registerServer(address: string): void {
    this.checkOpen('registerServer');
    checkNonEmptyString('registerServer: address', address);
    if (this.outboxes.has(address)) throw new RangeError(`registerServer: ${JSON.stringify(address)} is already registered`);
    const outbox = new ServerOutbox(address, this.options.transport, this.options.serverSocketOptions, this.options.sendQueueMax, {
      sent: () => void this.counts.sent++,
      failed: (to, error) => {
        this.counts.sendFailures++;
        this.log('warn', { err: error, code: codeOf(error), server: to }, 'event manager: send failed; the event is dropped for this server');
      },
    });
    this.outboxes.set(address, outbox);
    this.membershipChanged();
  }

  /** Removes a server; events still queued for it are dropped (counted in stats.dropped). */
  removeServer(address: string): void {
    this.checkOpen('removeServer');
    checkNonEmptyString('removeServer: address', address);
    const outbox = this.outboxes.get(address);
    if (outbox === undefined) throw new RangeError(`removeServer: ${JSON.stringify(address)} is not registered (registered: ${this.shownAddresses()})`);
    this.outboxes.delete(address);
    this.dropped(address, outbox.close());
    this.membershipChanged();
  }

  /** Removes every server. */
  removeAllServers(): void {
    this.checkOpen('removeAllServers');
    for (const [address, outbox] of this.outboxes) this.dropped(address, outbox.close());
    this.outboxes.clear();
    this.membershipChanged();
  }

  /** Reshuffles the round-robin order of non-broadcast events (Toto's refresh_server_queue). */
  refreshServerQueue(): void {
    this.checkOpen('refreshServerQueue');
    this.order.set(this.outboxes.keys());
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
    checkNonEmptyString('on: name', name);
    checkOptions('on options', options, ['signal', 'bufferMax']);
    const { signal, bufferMax = ON_BUFFER_MAX_DEFAULT } = options ?? {};
    if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
      throw new TypeError(expected('on: signal', 'an AbortSignal', signal));
    }
    checkInteger('on: bufferMax', bufferMax, 1);
    // The handle exists only once registered, after the stream it feeds.
    const registered: { handle?: EventHandlerHandle } = {};
    const onAbort = (): void => stream.end(false);
    const stream: EventStream<T> = new EventStream<T>(name, bufferMax, () => {
      if (registered.handle !== undefined) this.registry.remove(registered.handle);
      signal?.removeEventListener('abort', onAbort);
      this.streams.delete(stream as EventStream<unknown>);
    });
    if (signal?.aborted) {
      stream.end(false);
      return stream;
    }
    registered.handle = this.registry.register(name, (args: T) => stream.push(args), { persist: true });
    this.streams.add(stream as EventStream<unknown>);
    signal?.addEventListener('abort', onAbort, { once: true });
    return stream;
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
    if (options !== undefined) checkOptions('send options', options, ['broadcast']);
    const broadcast = options?.broadcast ?? true;
    if (typeof broadcast !== 'boolean') throw new TypeError(expected('send: broadcast', 'a boolean', broadcast));
    if (this.outboxes.size === 0) return this.addresses;
    if (!broadcast) {
      const address = this.order.next();
      this.queue(this.outboxes.get(address) as ServerOutbox, name, args);
      return [address];
    }
    for (const outbox of this.outboxes.values()) if (outbox.full) throw this.queueFull(outbox);
    const frame = encodeEvent(name, args, this.options.codecs, this.options.limits);
    for (const outbox of this.outboxes.values()) outbox.push(frame);
    return this.addresses;
  }

  /** Sends an event to one registered server only; an address not registered throws. */
  sendToServer(address: string, name: string, args?: unknown): void {
    this.checkOpen('sendToServer');
    checkNonEmptyString('sendToServer: address', address);
    checkNonEmptyString('sendToServer: name', name);
    const outbox = this.outboxes.get(address);
    if (outbox === undefined) {
      throw new RangeError(`sendToServer: ${JSON.stringify(address)} is not a registered server (call registerServer first; registered: ${this.shownAddresses()})`);
    }
    this.queue(outbox, name, args);
  }

  /** Resolves once every event queued so far was taken by its server's socket (or dropped). */
  async flush(): Promise<void> {
    await Promise.all([...this.outboxes.values()].map((outbox) => outbox.drained()));
  }

  get stats(): EventManagerStats {
    let queued = 0;
    for (const outbox of this.outboxes.values()) queued += outbox.queued;
    return { ...this.counts, expired: this.registry.expired, queued };
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
      for (const [address, outbox] of this.outboxes) this.dropped(address, outbox.close());
      this.outboxes.clear();
      this.order.clear();
      this.addresses = Object.freeze([]);
      for (const stream of [...this.streams]) stream.end(true);
      this.registry.clear();
    }
    await this.listening?.catch(() => undefined);
    await this.receiving;
  }

  // ---- internals ----

  private queue(outbox: ServerOutbox, name: string, args: unknown): void {
    if (outbox.full) throw this.queueFull(outbox);
    outbox.push(encodeEvent(name, args, this.options.codecs, this.options.limits));
  }

  private async receiveLoop(socket: Socket): Promise<void> {
    for (;;) {
      let message: Uint8Array[];
      try {
        message = await socket.receive();
      } catch (error) {
        if (this.closing || socket.closed) return;
        this.counts.receiveFailures++;
        const { consecutive, delayMs } = this.backoff.fail();
        this.log('warn', { err: error, code: codeOf(error), consecutive, backoffMs: delayMs }, 'event manager: receive failed');
        await this.backoff.wait(delayMs);
        continue;
      }
      this.backoff.succeed();
      this.onMessage(message);
    }
  }

  private onMessage(message: Uint8Array[]): void {
    this.counts.received++;
    let name: string;
    let args: unknown;
    try {
      ({ name, args } = decodeEvent(message, this.options.codecs, this.options.limits));
    } catch (error) {
      this.malformed(error, message);
      return;
    }
    if (!this.registry.has(name)) {
      this.counts.unhandled++;
      return;
    }
    for (const handle of this.registry.take(name)) {
      if (handle.runOnMainLoop) this.options.loop.addCallback(() => this.run(handle, args));
      else this.run(handle, args);
    }
  }

  private run(handle: EventHandlerHandle, args: unknown): void {
    this.counts.handled++;
    try {
      const result = handle.handler(args);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (error: unknown) => this.handlerFailed(handle.name, error));
      }
    } catch (error) {
      this.handlerFailed(handle.name, error);
    }
  }

  private handlerFailed(name: string, error: unknown): void {
    this.counts.handlerErrors++;
    this.log('error', { err: error, event: name }, `event manager: handler for ${JSON.stringify(name)} failed; the receive loop goes on`);
  }

  private malformed(error: unknown, message: Uint8Array[]): void {
    const count = ++this.counts.malformed;
    if (!(error instanceof WireFormatError)) {
      // A bug of ours or of a custom codec, not a peer's bytes: said loudly.
      this.log('error', { err: error }, 'event manager: decoding a frame failed');
      return;
    }
    if (count > MALFORMED_LOGGED_EACH && !isPowerOfTen(count)) return;
    const bytes = message.reduce((sum, frame) => sum + frame.byteLength, 0);
    this.log('warn', { err: error, code: error.code, frames: message.length, bytes, malformedSoFar: count }, `event manager: malformed frame dropped: ${error.message}`);
  }

  private membershipChanged(): void {
    this.addresses = Object.freeze([...this.outboxes.keys()]);
    this.order.set(this.addresses);
  }

  private dropped(address: string, count: number): void {
    if (count === 0) return;
    this.counts.dropped += count;
    this.log('info', { server: address, dropped: count }, 'event manager: events still queued for a removed server were dropped');
  }

  private queueFull(outbox: ServerOutbox): RangeError {
    return new RangeError(
      `send: ${outbox.queued} events queued for ${JSON.stringify(outbox.address)} already (sendQueueMax ${this.options.sendQueueMax}): the server is not taking events; nothing was sent`,
    );
  }

  private shownAddresses(): string {
    if (this.addresses.length === 0) return 'none';
    const shown = this.addresses.slice(0, ADDRESSES_SHOWN).map((a) => JSON.stringify(a)).join(', ');
    return this.addresses.length > ADDRESSES_SHOWN ? `${shown}, ... (${this.addresses.length})` : shown;
  }

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

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

function codeOf(error: unknown): unknown {
  return error !== null && typeof error === 'object' && 'code' in error ? error.code : undefined;
}
