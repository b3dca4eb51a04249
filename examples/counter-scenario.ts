// The README's scenario: a counter service over REQ/REP, and a naive client that waits for
// each reply. A connection reset (a `disconnect` fault) loses whatever was in flight on it: when
// that is a request or a reply, the REQ socket waits forever (ZeroMQ reconnects, but nobody
// resends; the ZeroMQ guide's fix is the "lazy pirate" client: a timeout, a new socket, a
// retry). A sweep finds the hang:
//   npx toto sim examples/counter-scenario.ts --seeds 1..100
import type { ScenarioContext, ScenarioHostContext } from '../src/sim/index.js';
import { defineScenario, runMain } from '../src/sim/index.js';

const text = (frame: Uint8Array | undefined): string => new TextDecoder().decode(frame);

class CounterServer {
  total = 0;
  constructor({ transport }: ScenarioHostContext) {
    const rep = transport.socket('rep');
    void rep.bind('tcp://*:6000').then(async () => {
      for await (const [request] of rep) {
        this.total += Number(text(request));
        await rep.send(String(this.total));
      }
    });
  }
}

class CounterClient {
  private readonly req;
  constructor({ transport }: ScenarioHostContext) {
    this.req = transport.socket('req');
    this.req.connect('tcp://server:6000');
  }
  async add(n: number): Promise<number> {
    await this.req.send(String(n));
    const [reply] = await this.req.receive(); // BUG: no timeout, so a lost reply hangs forever
    return Number(text(reply));
  }
}

const ADDS = 20;

export const scenario = defineScenario({
  name: 'counter',
  hosts: {
    server: (ctx) => new CounterServer(ctx),
    client: (ctx) => new CounterClient(ctx),
  },
  durationMs: 1000,
  // Three connection resets between client and server in the first 400ms (an RST from a
  // middlebox, a NAT timeout): each loses what is in flight at that moment, if anything.
  faults: (random) => [0, 1, 2].map(() => ({ kind: 'disconnect' as const, atMs: random.int(0, 400), sideA: ['client'], sideB: ['server'] })),
  workload: async (ctx: ScenarioContext) => {
    for (let i = 1; i <= ADDS; i++) {
      ctx.history.invoke(i);
      ctx.history.ok(i, await ctx.host<CounterClient>('client').add(1));
      await ctx.sleep(20);
    }
  },
  invariants: (ctx: ScenarioContext) => {
    const total = ctx.host<CounterServer>('server').total;
    if (total !== ADDS) throw new Error(`server total is ${total}, expected ${ADDS}`);
  },
});
export default scenario;

runMain(import.meta.url, scenario);
