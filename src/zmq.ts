// `toto-ts/zmq`: Toto's ZeroMQ wire format (DEALER/REP frames, invocation and reply payloads)
// and the socket interface the simulated network implements and the ZeroMQ adapter will.

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
  MAX_PAYLOAD_BYTES_DEFAULT,
  MAX_MESSAGE_ID_BYTES,
} from './core/wire.js';
export type { WireCodecs, Invocation, Reply, WireOptions, RepRequest, DealerReply } from './core/wire.js';
export { SOCKET_TYPES } from './core/transport.js';
export type { SocketType, Frame, Message, Sendable, SocketOptions, Socket, TransportPort } from './core/transport.js';
