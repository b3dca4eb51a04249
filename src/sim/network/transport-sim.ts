// The TransportPort of one host incarnation. After its host crashes, whatever the dead
// incarnation still calls does nothing and never settles.

import { SOCKET_TYPES, type HttpHandler, type HttpListenOptions, type HttpRequestOptions, type HttpResponse, type HttpServerHandle, type Socket, type SocketOptions, type SocketType, type TransportPort } from '../../core/transport.js';
import { checkOneOf } from '../../core/validate.js';
import { httpListen, httpRequest } from './http-sim.js';
import type { HostState, NetContext } from './net-context.js';
import { SocketSim } from './socket-sim.js';
import { SocketHandleSim } from './socket-handle-sim.js';
import { checkSocketOptions } from '../../core/socket-options.js';

const NEVER = new Promise<never>(() => {});

export class TransportSim implements TransportPort {
  private readonly incarnation: number;

  constructor(
    private readonly ctx: NetContext,
    private readonly hostState: HostState,
  ) {
    this.incarnation = hostState.incarnation;
  }

  get host(): string {
    return this.hostState.name;
  }

  /** False once the host crashed: this incarnation is dead. */
  get alive(): boolean {
    return this.hostState.incarnation === this.incarnation;
  }

  socket(type: SocketType, options?: SocketOptions): Socket {
    checkOneOf('socket type', type, SOCKET_TYPES);
    checkSocketOptions(type, options);
    const socket = new SocketSim(this.ctx, this.hostState, type, options);
    if (this.alive) this.hostState.sockets.add(socket);
    else socket.kill();
    return new SocketHandleSim(socket);
  }

  httpListen(address: string, handler: HttpHandler, options?: HttpListenOptions): Promise<HttpServerHandle> {
    if (!this.alive) return NEVER;
    return httpListen(this.ctx, this.hostState, address, handler, options);
  }

  httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    if (!this.alive) return NEVER;
    return httpRequest(this.ctx, this.hostState, url, options);
  }
}
