// A scenario host running one HTTP worker: HttpWorkerServer over the host's transport, answering
// `work` with the call's number and the host's name, so a checker can tell which call a reply
// belongs to and who served it. Pure: any number of runs is harmless (a lossy link may deliver a
// request twice, and a retry runs it again).

import { httpWorkerCodecs, HttpWorkerServer, jsonSerialization, WorkerDispatcher, WorkerMethods } from 'toto-ts';
import type { ScenarioHostContext } from 'toto-ts/sim';

export const HTTP_WORKER_PORT = 8080;

export interface WorkReply {
  n: number;
  host: string;
}

export class HttpWorkerHost {
  /** Runs of `work` on this host (more than the calls it was sent when a request arrives twice). */
  runs = 0;
  readonly server: HttpWorkerServer;

  constructor(ctx: ScenarioHostContext) {
    const methods = WorkerMethods.fromMap({
      work: (_worker, parameters): WorkReply => {
        this.runs++;
        return { n: (parameters as { n: number }).n, host: ctx.name };
      },
    });
    const dispatcher = new WorkerDispatcher({ methods, worker: null, loop: ctx.loop, logger: ctx.logger, ...httpWorkerCodecs(jsonSerialization) });
    this.server = new HttpWorkerServer({ transport: ctx.transport, routes: [{ serialization: jsonSerialization, dispatcher }], logger: ctx.logger });
  }

  /** Listens on http://<host>:HTTP_WORKER_PORT. */
  static async start(ctx: ScenarioHostContext): Promise<HttpWorkerHost> {
    const host = new HttpWorkerHost(ctx);
    await host.server.start(`http://${ctx.name}:${HTTP_WORKER_PORT}`);
    return host;
  }
}

/** The URL a client reaches the worker on `host` at. */
export function httpWorkerUrl(host: string): string {
  return `http://${host}:${HTTP_WORKER_PORT}`;
}
