// Addresses resolved against the simulated hosts: tcp ports are per host, ipc paths and
// inproc names are host-local. Parsing is shared with the real transports (core/address.ts).

import type { ZmqAddress } from '../../core/address.js';

export { parseZmqAddress, parseHttpUrl } from '../../core/address.js';
export type { Scheme, ZmqAddress, HttpUrl } from '../../core/address.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const ANY = new Set(['*', '0.0.0.0', '::']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

export function isAnyInterface(host: string): boolean {
  return ANY.has(host);
}

/** The key of a bindable endpoint: one tcp port, ipc path or inproc name on one host. */
export function endpointKey(host: string, address: ZmqAddress): string {
  return address.scheme === 'tcp' ? `${host}\ttcp\t${address.port}` : `${host}\t${address.scheme}\t${address.path}`;
}

export function tcpKey(host: string, port: number): string {
  return `${host}\ttcp\t${port}`;
}

/** Linux's default ephemeral range (net.ipv4.ip_local_port_range). */
const EPHEMERAL_MIN = 32768;
const EPHEMERAL_MAX = 60999;
const nextEphemeral = new WeakMap<object, number>();

/**
 * A free tcp port on `host` for a `tcp://host:*` bind: the next free one in the ephemeral range,
 * in order, so a run replays (no randomness is drawn: seeds keep their other outcomes).
 */
export function pickEphemeralPort(ctx: { bindings: ReadonlyMap<string, unknown> }, host: string): number {
  let port = nextEphemeral.get(ctx) ?? EPHEMERAL_MIN;
  for (let tries = 0; tries <= EPHEMERAL_MAX - EPHEMERAL_MIN; tries++) {
    const candidate = port;
    port = port >= EPHEMERAL_MAX ? EPHEMERAL_MIN : port + 1;
    if (!ctx.bindings.has(tcpKey(host, candidate))) {
      nextEphemeral.set(ctx, port);
      return candidate;
    }
  }
  throw Object.assign(new Error(`bind: no free ephemeral port on host ${JSON.stringify(host)} (EADDRINUSE)`), { code: 'EADDRINUSE' });
}
