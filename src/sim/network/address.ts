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
