// EventManager.instance() with no arguments in a Node process, after installNodeEventManager:
// a real manager on zeromq.js that delivers an event to itself over tcp on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { installNodeEventManager } from '../../../src/adapters/event-manager-node.js';
import { EventManager } from '../../../src/core/event-manager.js';

afterEach(async () => {
  const shared = tryInstance();
  EventManager.clearInstance();
  EventManager.setDefaultFactory(undefined);
  await shared?.close();
});

function tryInstance(): EventManager | undefined {
  try {
    return EventManager.instance();
  } catch {
    return undefined;
  }
}

describe('installNodeEventManager', () => {
  it('makes instance() build one shared manager on real ZeroMQ, which sends and receives', async () => {
    installNodeEventManager({ address: 'tcp://127.0.0.1:*' });
    const events = EventManager.instance();
    expect(EventManager.instance()).toBe(events);
    await events.startListening();
    const bound = events.lastEndpoint;
    expect(bound).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    events.registerServer(bound!);
    const got = new Promise<unknown>((resolve) => events.registerHandler('hello', (args) => resolve(args)));
    events.send('hello', { n: 1 });
    const deadline = new Promise((_, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5_000).unref());
    await expect(Promise.race([got, deadline])).resolves.toEqual({ n: 1 });
  });

  it('refuses an option it does not know, naming it', () => {
    expect(() => installNodeEventManager({ transport: {} } as never)).toThrow(/installNodeEventManager options.*transport/);
  });
});
