// `toto-ts/http`: Toto's HTTP wire format (content types, invocation and reply bodies) and the
// HTTP request/response interface the simulated network implements and the HTTP adapter will.

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
} from './core/wire.js';
export type { WireCodecs, Invocation, Reply, WireOptions } from './core/wire.js';
export type { HttpRequest, HttpResponse, HttpHandler, HttpServerHandle, HttpRequestOptions } from './core/transport.js';
