// Proves a call id given again by nextId (after its first call settled) is a new call: its replies settle it, and once it settles, later replies are counted by how the newest call ended (late or duplicate), across both generations of remembered ids.
import { describe, expect, it } from 'vitest';
import { CallTable } from '../../../src/core/call-table.js';

function drain(table: CallTable): void {
  while (table.poll() !== undefined);
}

/** A table whose ids come from `ids` in turn. */
function tableOf(ids: string[], recentMax = 4096): CallTable {
  return new CallTable({ jitter: 'none', timeoutMs: 100, recentMax, nextId: () => ids.shift() as string });
}

describe('CallTable with reused ids', () => {
  it('counts a reply by how the newest call of that id ended', () => {
    const t = tableOf(['x', 'x', 'x']);
    t.register('m', 0, {}, 0);
    expect(t.onReply({ callId: 'x', value: 1 }, 1)).toBe(true); // the first x answered
    t.register('m', 0, {}, 2); // x again: in flight, so the next reply is its answer
    expect(t.onReply({ callId: 'x', value: 2 }, 3)).toBe(true);
    expect(t.onReply({ callId: 'x', value: 2 }, 4)).toBe(false);
    expect(t.stats).toMatchObject({ settledOk: 2, duplicateReplies: 1, lateReplies: 0 });
    t.register('m', 0, {}, 5); // x a third time, never answered: it times out
    t.onTimer(200);
    expect(t.onReply({ callId: 'x', value: 3 }, 201)).toBe(false);
    expect(t.stats).toMatchObject({ settledTimeout: 1, duplicateReplies: 1, lateReplies: 1 });
    drain(t);
  });

  it('keeps the newest ending when the remembered ids roll over to the old generation', () => {
    // recentMax 4: two ids per generation; 'x' ends abandoned first, then answered after 'a' and 'b'.
    const t = tableOf(['x', 'a', 'x', 'b'], 4);
    t.register('m', 0, {}, 0);
    t.onTimer(100); // x times out (abandoned)
    t.register('m', 0, {}, 100);
    t.onReply({ callId: 'a', value: 0 }, 101); // young {x, a} becomes old
    t.register('m', 0, {}, 102); // x again, answered
    t.onReply({ callId: 'x', value: 0 }, 103);
    expect(t.onReply({ callId: 'x', value: 0 }, 104)).toBe(false);
    expect(t.stats).toMatchObject({ duplicateReplies: 1, lateReplies: 0 });
    drain(t);
  });
});
