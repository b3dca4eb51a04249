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

// Toto's ZeroMQ workers: the connection, the worker's REP server, the router, and the worker
// service that runs the router here and N worker processes (Toto's TotoWorkerService).
export { ZmqWorkerConnection, WorkerRepServer, WorkerBalancer, sendWorkerCommand, WORKER_BIND_ADDRESS_DEFAULT, WORKER_SOCKET_ADDRESS_DEFAULT, CONTROL_ADDRESS_DEFAULT } from './index.js';
export type { ZmqWorkerConnectionOptions, InvokeOptions, WorkerRepServerOptions, WorkerBalancerOptions, WorkerCommandOptions } from './index.js';
export { startWorkerService } from './adapters/worker-service-node.js';
export type { WorkerServiceOptions, WorkerServiceHandle } from './adapters/worker-service-node.js';
export { EventManager, installNodeEventManager } from './index.js';
export { encodeEvent, decodeEvent, eventLimits } from './core/event-manager-wire.js';
export type { EventLimits } from './core/event-manager-wire.js';
export type { EventMessage } from './core/event-manager-wire.js';
