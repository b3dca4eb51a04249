// Errors a caller of the RPC/event API sees. TotoError keeps Toto's codes and JSON form
// ({code, value}) so a Toto peer reads our errors and we read its.

/**
 * Toto's error codes, plus TIMEOUT (Toto's -1 "Timeout"), NO_CONNECTIONS, the HTTP transport's
 * failures, and how a call ends unanswered (ABORTED, CLOSED): the same codes in both worlds, so a
 * retry policy reads them alike.
 */
export const ErrorCode = {
  TIMEOUT: -1,
  NO_CONNECTIONS: -2,
  /** Nothing listens at the address (ECONNREFUSED). */
  CONNECTION_REFUSED: -3,
  /** The peer closed or reset the connection before the response was complete (ECONNRESET). */
  CONNECTION_RESET: -4,
  /** A response body was larger than the client's maxBodyBytes. */
  BODY_TOO_LARGE: -5,
  /** The caller gave up on a call (its AbortSignal fired, or cancel()). */
  ABORTED: -6,
  /** The call table (a connection) closed while the call was in flight. */
  CLOSED: -7,
  SERVER: 1000,
  INVALID_METHOD: 1001,
  MISSING_METHOD: 1002,
  MISSING_PARAMS: 1003,
  NOT_AUTHORIZED: 1004,
  USER_NOT_FOUND: 1005,
  USER_ID_EXISTS: 1006,
  INVALID_SESSION_ID: 1007,
  INVALID_HMAC: 1008,
  INVALID_RESPONSE_HMAC: 1009,
  INVALID_USER_ID: 1010,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const nameOfCode = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** The wire form of an error, as in Toto's `{error: {code, value}}` replies. */
export interface TotoErrorJson {
  code: number;
  value: string;
}

export class TotoError extends Error {
  constructor(
    readonly code: number,
    readonly value: string,
  ) {
    super(`${value} (${nameOfCode.get(code) ?? 'code'} ${code})`);
    this.name = 'TotoError';
  }

  /** The symbolic name of the code, if it is one of Toto's. */
  get codeName(): ErrorCodeName | undefined {
    return nameOfCode.get(this.code);
  }

  toJSON(): TotoErrorJson {
    return { code: this.code, value: this.value };
  }

  /** Rebuilds an error from its wire form; anything malformed becomes a SERVER error describing it. */
  static fromJSON(json: unknown): TotoError {
    if (json !== null && typeof json === 'object') {
      const { code, value } = json as Record<string, unknown>;
      if (typeof code === 'number' && Number.isInteger(code)) return new TotoError(code, String(value ?? ''));
    }
    return new TotoError(ErrorCode.SERVER, `malformed error: ${safeJson(json)}`);
  }

  /** Toto's rule: a TotoError keeps its code; anything else becomes SERVER with its message. */
  static from(error: unknown): TotoError {
    if (error instanceof TotoError) return error;
    if (error instanceof Error) return new TotoError(ErrorCode.SERVER, error.message);
    return new TotoError(ErrorCode.SERVER, String(error));
  }
}

/** A deadline passed (runSync, a call, an HTTP request). */
export class TimeoutError extends TotoError {
  constructor(message = 'Timeout') {
    super(ErrorCode.TIMEOUT, message);
    this.name = 'TimeoutError';
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
