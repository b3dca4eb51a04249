// Toto's TotoWorkerService as roles on the ports: a process (or a simulated host) runs one role
// instance. 'router': the balancer (ROUTER on bindAddress -> DEALER on socketAddress; none in
// direct mode, bindAddress '') and the control socket. 'worker': the startup hook, a REP serving
// the methods (connected to socketAddress, or bound on it in direct mode with socketMode 'bind')
// and the control agent. The production layer (src/adapters/worker-service-node.ts) runs the
// router in the parent and forks one process per worker; a simulated host starts the same roles.
//
// Toto's modes, kept:
// - N workers behind the router: bindAddress and socketAddress given, processes = N.
// - Router only (Toto's processes = 0): several machines share one router; their workers run in
//   services started with bindAddress '' and socketAddress = that router's socket address.
// - Direct mode (bindAddress ''): no balancer. Toto's workers then connect to socketAddress
//   (socketMode 'connect', the default: the router-only case above); with socketMode 'bind' a
//   worker binds it and clients connect straight to it (one worker per address).

import { RouterRole, type RouterRoleOptions } from './worker-service-router.js';
import { WorkerRole, type WorkerRoleOptions } from './worker-service-worker.js';
import { expected } from './validate.js';

export { RouterRole, type RouterRoleOptions } from './worker-service-router.js';
export { WorkerRole, type WorkerRoleOptions, type ServiceWorker } from './worker-service-worker.js';
export { WORKER_BIND_ADDRESS_DEFAULT } from './worker-balancer.js';

/** Toto's default worker_socket_address (one per machine: give each service its own). */
export const WORKER_SOCKET_ADDRESS_DEFAULT = 'ipc:///tmp/workerservice.sock';
/** Toto's default control_socket_address. */
export const CONTROL_ADDRESS_DEFAULT = 'ipc:///tmp/workercontrol.sock';

export type WorkerServiceRoleOptions = ({ role: 'router' } & RouterRoleOptions) | ({ role: 'worker' } & WorkerRoleOptions);

/** Starts the role a process (or simulated host) runs; see RouterRole and WorkerRole. */
export function startWorkerServiceRole(options: { role: 'router' } & RouterRoleOptions): Promise<RouterRole>;
export function startWorkerServiceRole(options: { role: 'worker' } & WorkerRoleOptions): Promise<WorkerRole>;
export function startWorkerServiceRole(options: WorkerServiceRoleOptions): Promise<RouterRole | WorkerRole>;
export function startWorkerServiceRole(options: WorkerServiceRoleOptions): Promise<RouterRole | WorkerRole> {
  if (options === null || typeof options !== 'object') return Promise.reject(new TypeError(expected('worker service options', 'an options object', options)));
  const { role, ...rest } = options;
  if (role === 'router') return RouterRole.start(rest as RouterRoleOptions);
  if (role === 'worker') return WorkerRole.start(rest as WorkerRoleOptions);
  return Promise.reject(new RangeError(expected('role', '"router" or "worker"', role)));
}
