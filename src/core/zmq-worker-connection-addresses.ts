// A worker connection's address list: Toto took a comma-separated string ("tcp://a:1,tcp://b:2");
// a list works too. Each entry is trimmed; empty entries are skipped; a duplicate counts once.

import { expected } from './validate.js';

/** The distinct, trimmed, non-empty addresses of a comma-separated string or a list of strings. */
export function parseAddresses(address: string | readonly string[]): string[] {
  const parts: string[] = [];
  if (typeof address === 'string') {
    parts.push(...address.split(','));
  } else if (Array.isArray(address)) {
    address.forEach((entry: unknown, index) => {
      if (typeof entry !== 'string') throw new TypeError(expected(`address[${index}]`, 'a string', entry));
      parts.push(...entry.split(','));
    });
  } else {
    throw new TypeError(expected('address', 'a comma-separated string or a list of strings', address));
  }
  return [...new Set(parts.map((part) => part.trim()).filter((part) => part !== ''))];
}
