// Errors of the simulated network carry ZeroMQ's / Node's errno names in `code`, so code
// written against the sim handles the same errors the real zeromq.js and node:http give.

export type NetErrorCode =
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EAGAIN'
  | 'EBADF'
  | 'EBUSY'
  | 'ECONNREFUSED'
  | 'EHOSTUNREACH'
  | 'ENOENT'
  | 'ENOTSUP';

export interface NetError extends Error {
  code: NetErrorCode;
}

export function netError(message: string, code: NetErrorCode): NetError {
  const error = new Error(`${message} (${code})`) as NetError;
  error.code = code;
  return error;
}
