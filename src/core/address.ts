// Address strings, parsed the way ZeroMQ and node:http read them. Shared by both worlds so a
// malformed address gets the same message from the simulated network and the real transports.

import { describe } from './validate.js';

export type Scheme = 'tcp' | 'ipc' | 'inproc';

/** What the address is for: only a bind may leave the port to the system (`tcp://host:*`). */
export type AddressMode = 'bind' | 'connect';

export interface ZmqAddress {
  scheme: Scheme;
  /** tcp: the host part as written ('*', '0.0.0.0', '127.0.0.1', 'localhost' or a name). */
  host: string;
  /**
   * tcp: the port; 0 means "any free port" (`tcp://host:*`, bind only: the socket's lastEndpoint
   * then names the port chosen). 0 for ipc/inproc.
   */
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

/** A port in [1, 65535]; with `zeroOk` also a literal "0" (a listen on any free port). */
function parsePort(op: string, address: string, text: string, zeroOk = false): number {
  const range = zeroOk ? '[0, 65535], 0 for any free port' : '[1, 65535]';
  if (!/^\d{1,5}$/.test(text)) {
    throw new RangeError(`${op}: invalid port ${JSON.stringify(text)} in address ${JSON.stringify(address)} (expected an integer in ${range})`);
  }
  const port = Number(text);
  if ((port < 1 && !(zeroOk && text === '0')) || port > 65535) {
    throw new RangeError(`${op}: invalid port ${port} in address ${JSON.stringify(address)} (expected an integer in ${range})`);
  }
  return port;
}

// libzmq's own sanity check of a tcp connect address (socket_base.cpp, connect_internal): a
// letter, digit, '[' or ':' first, then only letters, digits and . - : % ; [ ] _ *; anything else
// is a bare EINVAL from zeromq.js and an unknown host in the simulation, so it is refused here.
const ZMQ_CONNECT_HOST = /^[A-Za-z0-9[:][A-Za-z0-9.\-:%;[\]_*]*$/;

/**
 * Parses `tcp://host:port`, `ipc://path` or `inproc://name`; throws TypeError/RangeError naming
 * the address. In `mode` 'bind' (the default when `op` is 'bind' or 'unbind') the port may be
 * `*` (any free port, returned as port 0); a connect needs a real port and a real host.
 */
export function parseZmqAddress(op: string, address: unknown, mode: AddressMode = op === 'bind' || op === 'unbind' ? 'bind' : 'connect'): ZmqAddress {
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
  const portText = rest.slice(colon + 1);
  if (mode === 'connect' && host === '*') throw new RangeError(`${op}: cannot connect to a wildcard host in address ${JSON.stringify(address)}`);
  // Only a connect: libzmq's disconnect looks the string up and answers ENOENT, as both worlds do.
  if (mode === 'connect' && op !== 'disconnect' && !ZMQ_CONNECT_HOST.test(host)) {
    const message = `${op}: invalid host ${JSON.stringify(host)} in address ${JSON.stringify(address)} (expected a host name or an IP address) (EINVAL)`;
    throw Object.assign(new RangeError(message), { code: 'EINVAL' });
  }
  if (mode === 'connect' && portText === '*') {
    throw new RangeError(`${op}: port "*" (any free port) in address ${JSON.stringify(address)} is only valid for bind (expected tcp://host:port)`);
  }
  if (portText === '*') return { scheme: 'tcp', host, port: 0, path: '' };
  return { scheme: 'tcp', host, port: parsePort(op, address, portText), path: '' };
}

// A DNS name (labels of letters, digits, '-' and '_', the sim's host names included) or a
// dotted-quad IPv4 address: what both worlds can reach. Anything else would fail late in each
// world's own words (undici's bare "Invalid URL", a getaddrinfo ENOTFOUND, an unknown sim host).
const HOST_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const NUMERIC_HOST = /^[\d.]+$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function checkHttpHost(op: string, url: string, host: string): void {
  if (host === '*') {
    if (op === 'httpListen') return;
    throw new RangeError(`${op}: cannot connect to a wildcard host in address ${JSON.stringify(url)}`);
  }
  if (NUMERIC_HOST.test(host) ? IPV4.test(host) : HOST_NAME.test(host)) return;
  throw new RangeError(`${op}: invalid host ${JSON.stringify(host)} in address ${JSON.stringify(url)} (expected a host name or an IPv4 address)`);
}

/**
 * Parses `http://host:port/path?query`; throws TypeError/RangeError naming the URL. The host is
 * a name or an IPv4 address; `*` (every interface) and port 0 (any free port) only when `op`
 * is 'httpListen'.
 */
export function parseHttpUrl(op: string, url: unknown, requirePath = false): HttpUrl {
  checkAddressString(op, url);
  if (url.startsWith('http://[')) {
    throw new RangeError(`${op}: IPv6 literals are not supported in address ${JSON.stringify(url)} (expected a host name or an IPv4 address)`);
  }
  const match = /^http:\/\/([^/:?#]+):([^/?#]*)([/?].*)?$/.exec(url);
  if (!match) {
    const why = url.startsWith('http://') ? 'expected http://host:port/path' : 'only http:// URLs are supported';
    throw new RangeError(`${op}: malformed URL ${JSON.stringify(url)} (${why})`);
  }
  const host = match[1] as string;
  checkHttpHost(op, url, host);
  const port = parsePort(op, url, match[2] as string, op === 'httpListen');
  let path = match[3] ?? '/';
  if (path.startsWith('?')) path = `/${path}`;
  if (!requirePath && path === '') path = '/';
  return { host, port, path };
}

