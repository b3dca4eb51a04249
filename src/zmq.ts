// `toto-ts/zmq`: Toto's ZeroMQ wire format (DEALER/REP frames, invocation and reply payloads),
// the socket interface both worlds implement, and TransportZmq, the real one on zeromq.js.

export {
  encodeInvocation,
  decodeInvocation,
  encodeReply,
  encodeErrorReply,
  decodeReply,
  dealerRequestFrames,
  parseRepRequest,
  repReplyFrames,
  repAckFrames,
  parseDealerReply,
  messageIdKey,
  isMethodName,
  WireFormatError,
  WIRE_FORMAT_CODES,
  MAX_PAYLOAD_BYTES_DEFAULT,
  MAX_MESSAGE_ID_BYTES,
} from './core/wire.js';
export type { WireFormatCode, WireCodecs, Invocation, Reply, WireOptions, RepRequest, DealerReply } from './core/wire.js';
export { SOCKET_TYPES, SOCKET_EVENT_TYPES } from './core/transport.js';
export type {
  SocketType,
  Frame,
  Message,
  Sendable,
  SocketOptions,
  Socket,
  SocketEvent,
  SocketEvents,
  SocketEventType,
  TransportPort,
} from './core/transport.js';
export { TransportZmq } from './adapters/transport-zmq.js';
export type { TransportZmqOptions } from './adapters/transport-zmq.js';
