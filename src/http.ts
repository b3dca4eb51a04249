// `toto-ts/http`: Toto's HTTP wire format (content types, invocation and reply bodies), the
// HTTP request/response interface both worlds implement, and the real transport (TransportHttp:
// node:http server, undici keep-alive client).

export {
  encodeInvocation,
  decodeInvocation,
  encodeReply,
  encodeErrorReply,
  decodeReply,
  httpRequestHeaders,
  httpReplyCodecs,
  serializationForContentType,
  WireFormatError,
  WIRE_FORMAT_CODES,
} from './core/wire.js';
export type { WireFormatCode, WireCodecs, Invocation, Reply, WireOptions } from './core/wire.js';
export type { HttpRequest, HttpResponse, HttpHandler, HttpServerHandle, HttpRequestOptions, HttpListenOptions } from './core/transport.js';
export { TransportHttp } from './adapters/transport-http.js';
export type { TransportHttpOptions } from './adapters/transport-http.js';
export { HTTP_MAX_BODY_BYTES_DEFAULT, HTTP_METHODS } from './core/http-message.js';

// Toto's HTTP workers: the connection (round-robin, timeouts, retries) and the worker server.
export { HttpWorkerConnection, HttpWorkerServer, httpWorkerCodecs } from './index.js';
export type { HttpWorkerConnectionOptions, HttpInvokeOptions, HttpWorkerConnectionStats, HttpWorkerServerOptions } from './index.js';
