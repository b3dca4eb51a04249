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
  HttpListenOptions,
  TransportPort,
} from './core/transport.js';

export { LoopNode, installNodeDefaultLoop } from './adapters/loop-node.js';
export type { LoopNodeOptions } from './adapters/loop-node.js';
export { createCodecs } from './adapters/codecs.js';
export type { Codecs, CodecsOptions, SerializationName, CompressionName } from './adapters/codecs.js';
export { zlibCompression, createZlibCompression, ZLIB_MAX_OUTPUT_BYTES_DEFAULT } from './adapters/codec-zlib.js';
export type { ZlibCompressionOptions } from './adapters/codec-zlib.js';
export { msgpackSerialization } from './adapters/codec-msgpack.js';

// Workers and their connections: pure components on the ports, so the same code runs on the
// simulated network (toto-ts/sim) and on the real transports (toto-ts/zmq, toto-ts/http).
export { asynchronous, isAsynchronous, WorkerMethods } from './core/worker-methods.js';
export type { MethodFn, WorkerMethod, MethodMap } from './core/worker-methods.js';
export { WorkerDispatcher, httpStatusOf } from './core/worker-dispatch.js';
export type { WorkerDispatcherOptions, WorkerReply, WorkerAck, WorkerOutcome, WorkerDispatchStats } from './core/worker-dispatch.js';
export { IdempotencyWindow, IDEMPOTENCY_ENTRIES_MAX_DEFAULT } from './core/idempotency-window.js';
export type { IdempotencyWindowOptions, IdempotencyStats } from './core/idempotency-window.js';
export { WorkerRepServer } from './core/worker-rep-server.js';
export type { WorkerRepServerOptions, WorkerRepServerStats } from './core/worker-rep-server.js';
export { WorkerBalancer, WORKER_BIND_ADDRESS_DEFAULT } from './core/worker-balancer.js';
export type { WorkerBalancerOptions, WorkerBalancerStats } from './core/worker-balancer.js';
export { RouterIdempotency, ROUTER_IDEMPOTENCY_ENTRIES_MAX_DEFAULT, ROUTER_IDEMPOTENCY_REQUESTERS_MAX_DEFAULT } from './core/router-idempotency.js';
export type { RouterIdempotencyOptions, RouterIdempotencyStats } from './core/router-idempotency.js';
export { ZmqWorkerConnection, parseAddresses } from './core/zmq-worker-connection.js';
export type { InvokeCallback, InvokeOptions, ZmqWorkerConnectionOptions, ZmqWorkerConnectionStats, MethodProxy, MethodProxyRoot, ProxyOf } from './core/zmq-worker-connection.js';
export { HttpWorkerConnection } from './core/http-worker-connection.js';
export type { HttpInvokeOptions, HttpWorkerConnectionOptions, HttpWorkerConnectionStats } from './core/http-worker-connection.js';
export { HttpWorkerServer, httpWorkerCodecs } from './core/http-worker-server.js';
export type { HttpWorkerRoute, HttpWorkerServerOptions, HttpWorkerServerStats } from './core/http-worker-server.js';
export { CallTableFullError } from './core/call-table.js';
export type { CallStats } from './core/call-table.js';
export type { Jitter } from './core/call-options.js';
export { startWorkerServiceRole, RouterRole, WorkerRole, WORKER_SOCKET_ADDRESS_DEFAULT, CONTROL_ADDRESS_DEFAULT } from './core/worker-service.js';
export type { WorkerServiceRoleOptions, RouterRoleOptions, WorkerRoleOptions, ServiceWorker } from './core/worker-service.js';
export { sendWorkerCommand } from './core/worker-control-client.js';
export type { WorkerCommandOptions } from './core/worker-control-client.js';
export type { ControlCommand, WorkerInfo, WorkerReport, WorkerEntry, WorkerServiceStatus, ShutdownResult } from './core/worker-control-wire.js';
export { loadWorkerMethodsDir, METHOD_EXTENSIONS_DEFAULT } from './adapters/worker-methods-dir.js';
export type { WorkerMethodsDirOptions } from './adapters/worker-methods-dir.js';

// Processes: a generic group of N child processes (the worker service and TotoService use it).
export { ProcessGroup } from './adapters/process-group.js';
export type { ProcessGroupOptions, GroupChild, ChildExit } from './adapters/process-group.js';
export { SERVICE_ID_ENV, serviceIdFromEnv, reportReady, reportFailed, exitWithParent } from './adapters/process-group-child.js';

// Options (Toto's tornado.options): defaults < constructor < config file < command line.
export { Options } from './core/options.js';
export type { CommandLineResult, ParseCommandLineOptions, OptionValuesInput } from './core/options.js';
export { OptionsError, OPTIONS_EXIT_CODE } from './core/options-error.js';
export type { OptionsErrorCode, OptionSource } from './core/options-error.js';
export type { OptionSpec, OptionType, OptionDefinition, OptionValue } from './core/options-spec.js';
export { parseDurationMs, formatDuration, DURATION_MS_MAX } from './core/options-duration.js';
export { readOptionsFile, loadOptionsFile, parseOptions, parseOptionsCli, OPTIONS_FILE_BYTES_MAX } from './adapters/options-file.js';
export type { OptionsFileOptions, ParseOptionsArgs, OptionsCliArgs, OptionsCliResult } from './adapters/options-file.js';

// The event bus between server processes (Toto's EventManager); installNodeEventManager makes
// EventManager.instance() work with no arguments on ZeroMQ, as in Toto.
export { EventManager, EventHandlerHandle } from './core/event-manager.js';
export type { EventManagerOptions, EventManagerStats, SendOptions, OnOptions, RegisterHandlerOptions, EventHandler, EventHandlerUntil } from './core/event-manager.js';
export { installNodeEventManager } from './adapters/event-manager-node.js';
export type { NodeEventManagerOptions } from './adapters/event-manager-node.js';

// Toto's TotoService: prepare / mainLoop / finish, N processes, daemon start/stop/restart, pidfiles.
export { TotoService } from './adapters/toto-service.js';
export type { TotoServiceInit, MasterRun, ServiceContext, ServiceProcesses } from './adapters/toto-service.js';
