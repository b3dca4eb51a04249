// The clients the RPC bench drives, behind one shape (call the echo method, get its value back):
// ours (ZmqWorkerConnection on TransportZmq), the raw zeromq.js client a user would write for
// Toto's wire format, and Moleculer's broker.call. The HTTP pair lives in rpc-http.ts.

import { ServiceBroker } from 'moleculer';
import * as zmq from 'zeromq';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { Random } from '../../src/core/random.js';
import { ZmqWorkerConnection } from '../../src/core/zmq-worker-connection.js';
import { CLIENT_NODE_ID, moleculerBrokerOptions } from './rpc-moleculer-options.js';

export interface RpcClient {
  /** Calls `bench.echo(parameters)`; resolves with what the worker sent back. */
  call(parameters: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** Long enough that no call of the bench ever times out: a timeout would be a bench failure. */
const CALL_TIMEOUT_MS = 60_000;
const LINGER_MS = 0;

export function oursZmqClient(address: string): RpcClient & { connection: ZmqWorkerConnection } {
  const transport = new TransportZmq();
  const loop = new LoopNode();
  const connection = new ZmqWorkerConnection({
    transport,
    loop,
    random: new Random(1),
    address,
    timeoutMs: CALL_TIMEOUT_MS,
    socketOptions: { lingerMs: LINGER_MS },
  });
  return {
    connection,
    call: (parameters) => connection.invoke('bench.echo', parameters),
    close: async () => {
      await connection.close();
      await transport.close();
      loop.close();
    },
  };
}

/**
 * A well-written raw zeromq.js client of Toto's wire format: one DEALER, ['', id, JSON] out
 * through a send queue that awaits each send (a socket takes one send at a time), one receive
 * loop matching ['', id, JSON] replies to callers by id. No timeouts, retries or checks: the
 * machine's limit for this protocol, not a product.
 */
export function rawZmqClient(address: string): RpcClient {
  const dealer = new zmq.Dealer({ linger: LINGER_MS });
  dealer.connect(address);
  const pending = new Map<string, (value: unknown) => void>();
  const queue: Array<[string, string, string]> = [];
  let sending = false;
  let counter = 0;
  const pump = async (): Promise<void> => {
    sending = true;
    for (let frames = queue.shift(); frames !== undefined; frames = queue.shift()) await dealer.send(frames);
    sending = false;
  };
  const receiving = (async () => {
    for await (const [, id, payload] of dealer) {
      const resolve = pending.get((id as Buffer).toString());
      if (resolve === undefined) continue;
      pending.delete((id as Buffer).toString());
      resolve(JSON.parse((payload as Buffer).toString()));
    }
  })().catch(() => {});
  return {
    call: (parameters) =>
      new Promise((resolve) => {
        const id = (++counter).toString(36);
        pending.set(id, resolve);
        queue.push(['', id, JSON.stringify({ method: 'bench.echo', parameters })]);
        if (!sending) void pump();
      }),
    close: async () => {
      dealer.close();
      await receiving;
    },
  };
}

export async function moleculerClient(clientPort: number, serverPort: number): Promise<RpcClient> {
  const broker = new ServiceBroker(moleculerBrokerOptions(CLIENT_NODE_ID, serverPort, clientPort));
  await broker.start();
  // The server's services are known once its INFO packet arrived; calls before that fail.
  await broker.waitForServices(['bench'], 20_000);
  return {
    call: (parameters) => broker.call('bench.echo', parameters as Record<string, unknown>),
    close: () => broker.stop(),
  };
}
