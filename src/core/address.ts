// Address strings, parsed the way ZeroMQ and node:http read them. Shared by both worlds so a
// malformed address gets the same message from the simulated network and the real transports.

import { describe } from './validate.js';

export type Scheme = 'tcp' | 'ipc' | 'inproc';

export interface ZmqAddress {
  scheme: Scheme;
  /** tcp: the host part as written ('*', '0.0.0.0', '127.0.0.1', 'localhost' or a name). */
  host: string;
  /** tcp: the port; 0 for ipc/inproc. */
  port: number;
  /** ipc/inproc: the path or name. */
  path: string;
}

export interface HttpUrl {
  host: string;
  port: number;
  /** Path and query, always starting with '/'. */
  path: string;
}

function checkAddressString(op: string, address: unknown): asserts address is string {
  if (typeof address !== 'string') throw new TypeError(`${op}: expected an address string, got ${describe(address)}`);
  if (address.length === 0) throw new RangeError(`${op}: expected an address like tcp://host:port, got ""`);
}

function parsePort(op: string, address: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) {
    throw new RangeError(`${op}: invalid port ${JSON.stringify(text)} in address ${JSON.stringify(address)} (expected an integer in [1, 65535])`);
  }
  const port = Number(text);
  if (port < 1 || port > 65535) {
    throw new RangeError(`${op}: invalid port ${port} in address ${JSON.stringify(address)} (expected an integer in [1, 65535])`);
  }
  return port;
}

/** Parses `tcp://host:port`, `ipc://path` or `inproc://name`; throws TypeError/RangeError naming the address. */
export function parseZmqAddress(op: string, address: unknown): ZmqAddress {
  checkAddressString(op, address);
  const match = /^([a-z]+):\/\/(.*)$/.exec(address);
  if (!match) throw new RangeError(`${op}: malformed address ${JSON.stringify(address)} (expected tcp://host:port, ipc://path or inproc://name)`);
  const scheme = match[1] as string;
  const rest = match[2] as string;
  if (scheme === 'ipc' || scheme === 'inproc') {
    if (rest.length === 0) throw new RangeError(`${op}: malformed address ${JSON.stringify(address)} (empty ${scheme} name)`);
    return { scheme, host: '', port: 0, path: rest };
  }
  if (scheme !== 'tcp') {
    throw new RangeError(`${op}: unsupported scheme ${JSON.stringify(scheme)} in address ${JSON.stringify(address)} (expected tcp, ipc or inproc)`);
  }
  const colon = rest.lastIndexOf(':');
  if (colon < 0) throw new RangeError(`${op}: missing port in address ${JSON.stringify(address)} (expected tcp://host:port)`);
  const host = rest.slice(0, colon);
  if (host.length === 0) throw new RangeError(`${op}: missing host in address ${JSON.stringify(address)} (expected tcp://host:port)`);
  return { scheme: 'tcp', host, port: parsePort(op, address, rest.slice(colon + 1)), path: '' };
}

/** Parses `http://host:port/path?query`; throws TypeError/RangeError naming the URL. */
export function parseHttpUrl(op: string, url: unknown, requirePath = false): HttpUrl {
  checkAddressString(op, url);
  const match = /^http:\/\/([^/:?#]+):([^/?#]*)([/?].*)?$/.exec(url);
  if (!match) {
    const why = url.startsWith('http://') ? 'expected http://host:port/path' : 'only http:// URLs are supported';
    throw new RangeError(`${op}: malformed URL ${JSON.stringify(url)} (${why})`);
  }
  const host = match[1] as string;
  const port = parsePort(op, url, match[2] as string);
  let path = match[3] ?? '/';
  if (path.startsWith('?')) path = `/${path}`;
  if (!requirePath && path === '') path = '/';
  return { host, port, path };
}

