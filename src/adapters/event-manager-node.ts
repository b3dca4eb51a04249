// Toto's EventManager.instance() in a Node process: the shared event bus on real ZeroMQ
// (TransportZmq), Node's loop (LoopNode) and a random stream seeded from the OS, so
// `EventManager.instance()` needs no arguments once this is installed, as in Toto.

import { randomInt } from 'node:crypto';
import { EventManager } from '../core/event-manager.js';
import type { EventManagerOptions } from '../core/event-manager-options.js';
import { Random } from '../core/random.js';
import { checkOptions } from '../core/validate.js';
import { LoopNode } from './loop-node.js';
import { TransportZmq } from './transport-zmq.js';

/** What installNodeEventManager may preset: everything but the ports it makes. */
export type NodeEventManagerOptions = Omit<EventManagerOptions, 'transport' | 'loop' | 'random'>;

const OPTION_NAMES = ['address', 'logger', 'codecs', 'wireOptions', 'listenSocketOptions', 'serverSocketOptions', 'sendQueueMax', 'handlerMax', 'backoffMs', 'backoffMsMax'] as const;

/**
 * Registers the default factory of EventManager.instance(): the first call without options builds
 * the shared manager on TransportZmq and LoopNode with `options` (checked when it is built).
 */
export function installNodeEventManager(options: NodeEventManagerOptions = {}): void {
  checkOptions('installNodeEventManager options', options, OPTION_NAMES);
  EventManager.setDefaultFactory(
    () =>
      new EventManager({
        ...options,
        transport: new TransportZmq({ logger: options.logger }),
        loop: new LoopNode({ logger: options.logger }),
        random: new Random(randomInt(0, 2 ** 31)),
      }),
  );
}
