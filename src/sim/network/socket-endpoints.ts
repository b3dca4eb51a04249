// A simulated socket's endpoints: what it is bound to (listening) and connected to, with the
// behaviour zeromq.js shows: `tcp://host:*` takes a free port, lastEndpoint names what was bound
// or connected last, unbind needs the endpoint actually bound and drops the connections it
// accepted without reporting them, close stops listening at once while accepted connections
// linger, and a closed listener reports 'close'.

import { endpointKey, isAnyInterface, parseZmqAddress, pickEphemeralPort } from './address.js';
import { netError } from './net-error.js';
import type { SocketSim } from './socket-sim.js';
import type { DropReason } from './net-context.js';
import type { Binding, Connector, PipeEnd } from './pipe-end.js';
import { addBinding, addConnector, closeConnector, removeBinding, resolveHost } from './wiring.js';

export class SocketEndpoints {
  /** Bindings by the endpoint bound (and by the address as written, when that differs and has no `*` port). */
  private readonly bindings = new Map<string, Binding>();
  readonly connectors = new Map<PipeEnd, Connector>();

  constructor(private readonly socket: SocketSim) {}

  /** Binds; returns the endpoint bound (the chosen port for `tcp://host:*`). Throws on bad input or a taken address. */
  bind(address: string): string {
    const socket = this.socket;
    const parsed = parseZmqAddress('bind', address);
    const host = resolveHost(socket.ctx, 'bind', socket.host, parsed, address);
    if (parsed.scheme === 'tcp' && parsed.port === 0) parsed.port = pickEphemeralPort(socket.ctx, host);
    const endpoint = parsed.scheme === 'tcp' ? `tcp://${isAnyInterface(parsed.host) ? '0.0.0.0' : parsed.host}:${parsed.port}` : address;
    // libzmq binds an ipc path by unlinking whatever socket file is there: the newcomer takes
    // the path, the old socket keeps the connections it had and is never reached again.
    if (parsed.scheme === 'ipc') socket.ctx.bindings.delete(endpointKey(host, parsed));
    const binding = addBinding(socket.ctx, socket, host, parsed, endpoint);
    this.bindings.set(endpoint, binding);
    if (address !== endpoint && !address.endsWith(':*')) this.bindings.set(address, binding);
    return endpoint;
  }

  /** False if nothing is bound there (the wildcard form of an ephemeral bind included, as libzmq). */
  unbind(address: string): boolean {
    const binding = this.bindings.get(address);
    if (!binding) return false;
    this.forgetBinding(binding);
    this.socket.watch.quiet(() => removeBinding(this.socket.ctx, binding, 'closed'));
    this.socket.watch.emit('close', binding.address);
    return true;
  }

  private forgetBinding(binding: Binding): void {
    for (const [key, value] of [...this.bindings]) if (value === binding) this.bindings.delete(key);
  }

  /** close(): stop listening now; the connections accepted stay to linger (shutdown ends them). */
  stopListening(): void {
    const ctx = this.socket.ctx;
    for (const binding of new Set(this.bindings.values())) {
      if (ctx.bindings.get(binding.key) === binding) ctx.bindings.delete(binding.key);
      this.socket.watch.emit('close', binding.address);
    }
  }

  connect(address: string): void {
    const socket = this.socket;
    const parsed = parseZmqAddress('connect', address);
    const target = resolveHost(socket.ctx, 'connect', socket.host, parsed, address);
    const connector = addConnector(socket.ctx, socket, address, endpointKey(target, parsed), target);
    this.connectors.set(connector.end, connector);
    socket.watch.connecting(connector);
  }

  disconnect(address: string): void {
    let found = false;
    for (const connector of [...this.connectors.values()]) {
      if (connector.address !== address) continue;
      found = true;
      connector.end.disconnected = true;
      this.dropConnector(connector, 'closed', true);
    }
    if (!found) throw netError(`disconnect: socket ${this.socket.id} is not connected to ${JSON.stringify(address)}`, 'ENOENT');
  }

  /** Ends the connector (its pipe and connection); `quiet`: our own doing, no 'disconnect' reported. */
  dropConnector(connector: Connector, reason: DropReason, quiet: boolean): void {
    this.connectors.delete(connector.end);
    this.socket.watch.forget(connector);
    if (quiet) this.socket.watch.quiet(() => closeConnector(this.socket.ctx, connector, reason));
    else closeConnector(this.socket.ctx, connector, reason);
  }

  /** The socket leaves the network: every listener and connector goes. */
  shutdown(reason: DropReason): void {
    for (const binding of new Set(this.bindings.values())) removeBinding(this.socket.ctx, binding, reason);
    this.bindings.clear();
    for (const connector of [...this.connectors.values()]) this.dropConnector(connector, reason, false);
  }
}
