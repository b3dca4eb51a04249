// The main entry point (`toto-ts`): the pure core and the Node adapters it runs on in production.

export { IOLoop } from './core/io-loop.js';
export type { IOLoopOptions, KeepAlive, CallbackExceptionHandler, RelativeDeadline } from './core/io-loop.js';
export { PeriodicCallback } from './core/periodic-callback.js';
export type { PeriodicCallbackOptions } from './core/periodic-callback.js';
export { Scheduler } from './core/scheduler.js';
export type { ScheduledTask } from './core/scheduler.js';
export { silentLogger } from './core/ports.js';
export type { LoopPort, TimerHandle, RandomPort, Logger, LogFn } from './core/ports.js';
export { Random } from './core/random.js';
export { RoundRobin } from './core/round-robin.js';
export type { RoundRobinOptions } from './core/round-robin.js';
export { TaskQueue, QueueFullError } from './core/task-queue.js';
export type { TaskQueueOptions, YieldTaskOptions, AbortSignalLike } from './core/task-queue.js';
export { InstancePool } from './core/instance-pool.js';
export type { InstancePoolOptions, Lease, Pooled } from './core/instance-pool.js';
export { AwaitableInstance } from './core/awaitable-instance.js';
export type { Awaitable, AwaitableInstanceOptions } from './core/awaitable-instance.js';
export { TotoError, TimeoutError, ErrorCode } from './core/errors.js';
export type { ErrorCodeName, TotoErrorJson } from './core/errors.js';
export { jsonSerialization, noCompression } from './core/codec.js';
export type { Serialization, Compression } from './core/codec.js';
export { SOCKET_TYPES } from './core/transport.js';
export type {
  SocketType,
  Frame,
  Message,
  Sendable,
  SocketOptions,
  Socket,
  HttpRequest,
  HttpResponse,
  HttpHandler,
  HttpServerHandle,
  HttpRequestOptions,
  TransportPort,
} from './core/transport.js';

export { LoopNode, installNodeDefaultLoop } from './adapters/loop-node.js';
export type { LoopNodeOptions } from './adapters/loop-node.js';
export { createCodecs } from './adapters/codecs.js';
export type { Codecs, CodecsOptions, SerializationName, CompressionName } from './adapters/codecs.js';
export { zlibCompression, createZlibCompression, ZLIB_MAX_OUTPUT_BYTES_DEFAULT } from './adapters/codec-zlib.js';
export type { ZlibCompressionOptions } from './adapters/codec-zlib.js';
export { msgpackSerialization } from './adapters/codec-msgpack.js';
