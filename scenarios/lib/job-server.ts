// A job service: a ROUTER takes [id, 'submit'], runs the job on a TaskQueue (it takes some
// virtual time), writes the result to the host's disk, and only then acks [id, 'done']. A job
// already on disk is acked at once; one already running is not started twice. Whatever was
// queued in memory dies with a crash: the client resends every job it has no ack for.

import { type Logger, type LoopPort, type RandomPort, type Socket, TaskQueue, type TransportPort } from 'toto-ts';
import { receiveLoop, SendQueue, text } from 'toto-ts/sim';

export interface JobServerOptions {
  loop: LoopPort;
  transport: TransportPort;
  logger: Logger;
  random: RandomPort;
  /** The host's durable store: the set of processed job ids lives here. */
  disk: Map<string, unknown>;
  address: string;
  concurrency: number;
  /** A job takes a uniform time in [min, max] ms. */
  processMsMin: number;
  processMsMax: number;
}

/** The processed-job ids on a job server's disk. */
export function processedJobs(disk: Map<string, unknown>): Set<string> {
  let set = disk.get('processed') as Set<string> | undefined;
  if (set === undefined) disk.set('processed', (set = new Set()));
  return set;
}

export class JobServer {
  protected readonly queue: TaskQueue;
  private readonly socket: Socket;
  private readonly outbox: SendQueue;
  /** Jobs running or queued, with the identity of the latest request for each. */
  protected readonly inflight = new Map<string, Uint8Array>();

  constructor(protected readonly options: JobServerOptions) {
    this.queue = new TaskQueue({ loop: options.loop, concurrency: options.concurrency, logger: options.logger, name: 'jobs' });
    this.socket = options.transport.socket('router');
    this.outbox = new SendQueue(this.socket, { logger: options.logger });
    void this.socket.bind(options.address).then(() =>
      receiveLoop(this.socket, ([identity, id]) => {
        if (identity !== undefined && id !== undefined) this.onSubmit(identity, text(id));
      }),
    );
  }

  get processed(): Set<string> {
    return processedJobs(this.options.disk);
  }


  /** A submit arrived: ack a job already done, else run it once and ack when it is on disk. */
  protected onSubmit(identity: Uint8Array, id: string): void {
    if (this.processed.has(id)) return this.ack(identity, id);
    const running = this.inflight.has(id);
    this.inflight.set(id, identity);
    if (running) return;
    void this.queue.yieldTask(() => this.process(id)).then(() => {
      const latest = this.inflight.get(id) ?? identity;
      this.inflight.delete(id);
      this.ack(latest, id);
    });
  }

  /** Does the work (virtual time passes), then records it durably. */
  protected process(id: string): Promise<void> {
    const { loop, random, processMsMin, processMsMax } = this.options;
    return new Promise((resolve) => {
      loop.callLater(random.int(processMsMin, processMsMax), () => {
        this.processed.add(id);
        resolve();
      });
    });
  }

  protected ack(identity: Uint8Array, id: string): void {
    this.outbox.send([identity, new TextEncoder().encode(id), new TextEncoder().encode('done')]);
  }
}
