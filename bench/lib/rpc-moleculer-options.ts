// What both Moleculer brokers of the RPC bench share: the TCP transporter with both nodes' static
// addresses on 127.0.0.1 (no UDP discovery, IPs rather than hostnames), logging off, and the
// defaults otherwise (JSON serializer, no metrics, no tracing), as a user's broker would run.

import { createServer, type AddressInfo } from 'node:net';
import type { BrokerOptions } from 'moleculer';

export const SERVER_NODE_ID = 'bench-server';
export const CLIENT_NODE_ID = 'bench-client';

export function moleculerBrokerOptions(nodeID: string, serverPort: number, clientPort: number): BrokerOptions {
  const port = nodeID === SERVER_NODE_ID ? serverPort : clientPort;
  return {
    nodeID,
    logger: false,
    transporter: {
      type: 'TCP',
      options: {
        udpDiscovery: false,
        useHostname: false,
        port,
        urls: `127.0.0.1:${serverPort}/${SERVER_NODE_ID},127.0.0.1:${clientPort}/${CLIENT_NODE_ID}`,
      },
    },
  };
}

/** A port free on 127.0.0.1 now (Moleculer's static address list needs it before the broker listens). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
