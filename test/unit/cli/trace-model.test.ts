// Proves what the trace viewer is given: sends paired with deliveries and drops by msg id (one arrow per delivery or drop, duplicates, stalled and late ones told apart), fault windows and down time, the failure to highlight; the trace file merges log lines by time and ends with the result; payload previews ride on kept lines without changing the trace hash; bad lines are named by number.
import { describe, expect, it } from 'vitest';
import { resultTraceLine, traceFileLines, logTraceLine } from '../../../src/sim/trace-file.js';
import { ARROW_STYLES, NETWORK_LANE, traceModel } from '../../../src/cli/trace-model.js';
import { viewerHtml } from '../../../src/cli/trace-viewer.js';
import { VIEWER_SCRIPT } from '../../../src/cli/trace-viewer-script.js';
import { defineScenario, runScenario } from '../../../src/sim/index.js';
import { payloadPreview, Trace } from '../../../src/sim/trace.js';

const line = (e: Record<string, unknown>): string => JSON.stringify(e);
const msg = (kind: string, tMs: number, id: number, from = 'a', to = 'b', extra: Record<string, unknown> = {}): string =>
  line({ tMs, kind, host: kind === 'send' ? from : to, from, to, socket: kind === 'send' ? `${from}/dealer#1` : `${to}/router#2`, msg: id, bytes: 3, ...extra });

function styles(lines: string[]): string[] {
  const { model } = traceModel(lines, 't');
  return model.arrowStyle.map((s) => ARROW_STYLES[s] as string);
}

describe('traceModel', () => {
  it('draws one arrow per delivery and per drop, from its send', () => {
    const lines = [msg('send', 0, 1), msg('send', 0, 2), msg('deliver', 1, 1), msg('send', 2, 3), msg('drop', 3, 3, 'a', 'b', { reason: 'crash' }), msg('deliver', 4, 2)];
    const { model } = traceModel(lines, 't');
    expect(model.hosts).toEqual([NETWORK_LANE, 'a', 'b']);
    expect(model.arrowFrom).toEqual([0, 1, 3]);
    expect(model.arrowTo).toEqual([2, 5, 4]);
    expect(styles(lines)).toEqual(['normal', 'normal', 'dropped']);
  });

  it('tells a duplicate delivery, a stalled one and a late one apart', () => {
    const lines = [
      msg('send', 0, 1), msg('duplicate', 0, 1, 'a', 'b', { host: 'a' }), msg('deliver', 1, 1), msg('deliver', 1, 1),
      msg('send', 10, 2), msg('deliver', 11, 2), msg('send', 12, 3), msg('deliver', 13, 3),
      // A partition stalls the link at 20; message 4 waits until the link delivers again at 300.
      msg('send', 19, 4), line({ tMs: 20, kind: 'stall', host: 'b', from: 'a', to: 'b', socket: 'b/router#2' }), msg('send', 100, 5), msg('deliver', 300, 4), msg('deliver', 300, 5),
      // No stall, but 40 times the usual latency: late.
      msg('send', 400, 6), msg('deliver', 440, 6),
    ];
    expect(styles(lines)).toEqual(['normal', 'duplicate', 'normal', 'normal', 'stalled', 'stalled', 'late']);
  });

  it('shades fault windows on the hosts they name (or on every lane), down time from crash to restart, pauses', () => {
    const lines = [
      line({ tMs: 0, kind: 'start', host: 'a', incarnation: 1 }),
      line({ tMs: 5, kind: 'fault', fault: 'partition', phase: 'start', index: 0, durationMs: 10, sideA: ['a'], sideB: ['c'] }),
      line({ tMs: 6, kind: 'fault', fault: 'latency', phase: 'start', index: 1, durationMs: 100, minMs: 1, maxMs: 9 }),
      line({ tMs: 7, kind: 'crash', host: 'a' }),
      line({ tMs: 9, kind: 'pause', host: 'c', ms: 3, untilMs: 12 }),
      line({ tMs: 15, kind: 'fault', fault: 'partition', phase: 'end', index: 0, durationMs: 10, sideA: ['a'], sideB: ['c'] }),
      line({ tMs: 20, kind: 'start', host: 'a', incarnation: 2 }),
      line({ tMs: 30, kind: 'steps', n: 9, digest: '0' }),
    ];
    const { model } = traceModel(lines, 't');
    const a = model.hosts.indexOf('a');
    const c = model.hosts.indexOf('c');
    expect(model.windows).toEqual(expect.arrayContaining([
      { t0: 5, t1: 15, hosts: [a, c], label: 'faults[0] partition', kind: 'partition', event: 1 },
      // Not ended in the trace: open to its end; it names no host, so it covers every lane.
      { t0: 6, t1: 30, hosts: null, label: 'faults[1] latency', kind: 'latency', event: 2 },
      { t0: 7, t1: 20, hosts: [a], label: 'down', kind: 'down', event: 3 },
      { t0: 9, t1: 12, hosts: [c], label: 'pause 3ms', kind: 'pause', event: 4 },
    ]));
    expect(model.windows).toHaveLength(4);
    expect(model.failure).toBe(-1);
  });

  it('highlights the first failed assertion, else the failed result line', () => {
    const base = [line({ tMs: 0, kind: 'start', host: 'a', incarnation: 1 })];
    expect(traceModel([...base, line({ tMs: 3, kind: 'always-failed', host: 'a', message: 'x' }), line({ tMs: 9, kind: 'result', ok: false, message: 'x' })], 't').model.failure).toBe(1);
    const { model } = traceModel([...base, line({ tMs: 9, kind: 'result', ok: false, phase: 'invariants', message: 'lost', seed: 4, replay: 'npx toto sim x.ts --seed 4' })], 't');
    expect(model.failure).toBe(1);
    expect(model.outcome).toEqual({ ok: false, phase: 'invariants', message: 'lost', seed: 4, replay: 'npx toto sim x.ts --seed 4' });
    expect(traceModel([...base, line({ tMs: 9, kind: 'result', ok: true })], 't').model.failure).toBe(-1);
  });

  it('orders lines put together out of time order, and keeps the lines in the same order', () => {
    const { model, lines } = traceModel([line({ tMs: 5, kind: 'x' }), line({ tMs: 1, kind: 'y' })], 't');
    expect(model.t).toEqual([1, 5]);
    expect(lines.map((l) => JSON.parse(l).kind)).toEqual(['y', 'x']);
  });

  it.each([
    ['{"tMs":0,"kind":"start"}\nnot json', /^line 2: not JSON/],
    ['{"tMs":"0","kind":"start"}', /^line 1: expected a trace event \{"tMs": <number>, "kind": <string>, \.\.\.\}, got \{"tMs":"0"/],
    ['[1,2]', /^line 1: expected a trace event/],
    ['{"tMs":1}', /^line 1: expected a trace event/],
  ])('names a bad line: %j', (text, message) => {
    expect(() => traceModel(text.split('\n'), 't')).toThrow(message);
  });

  it('the page script is valid JavaScript (the browser test runs it; this catches a syntax slip without one)', () => {
    expect(() => new Function(VIEWER_SCRIPT)).not.toThrow();
  });

  it('the page embeds no raw "<" from the trace, so a payload cannot close its script block', () => {
    const html = viewerHtml([msg('send', 0, 1, 'a', 'b', { preview: '</script><script>alert(1)</script>' }), msg('deliver', 1, 1)], '<b>title</b>');
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)');
    expect(html).toContain('<title>&#60;b&#62;title&#60;/b&#62; - toto trace viewer</title>');
    expect(html.match(/<script/g)).toHaveLength(3);
  });
});

describe('payload previews', () => {
  const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('shows text frames as text, binary ones as hex, cut at the length', () => {
    expect(payloadPreview([enc('ping-3'), enc('ping')], 40)).toBe('ping-3 | ping');
    expect(payloadPreview([new Uint8Array([0, 1, 255]), enc('x')], 40)).toBe('0x0001ff | x');
    expect(payloadPreview([enc('a'.repeat(100))], 10)).toBe(`${'a'.repeat(10)}…`);
    // A character cut in half at the limit is still text.
    expect(payloadPreview([enc(`${'a'.repeat(10)}é${'b'.repeat(20)}`)], 10)).toBe(`${'a'.repeat(10)}…`);
  });

  it('ride on kept lines and leave the trace hash as it is', () => {
    const plain = new Trace({ keepAll: true });
    const previewed = new Trace({ keepAll: true, previewChars: 20 });
    for (const trace of [plain, previewed]) {
      trace.record({ tMs: 1, kind: 'send', msg: 1 }, [enc('job-1'), enc('submit')]);
      trace.record({ tMs: 2, kind: 'crash', host: 'a' });
    }
    expect(previewed.hash()).toBe(plain.hash());
    expect(previewed.kept()).toEqual(['{"tMs":1,"kind":"send","msg":1,"preview":"job-1 | submit"}', '{"tMs":2,"kind":"crash","host":"a"}']);
    expect(plain.kept()[0]).toBe('{"tMs":1,"kind":"send","msg":1}');
  });
});

describe('trace file', () => {
  it('turns pino lines into log lines', () => {
    expect(logTraceLine('{"level":40,"time":12.5,"host":"server","incarnation":1,"msg":"send failed"}')).toBe('{"tMs":12.5,"kind":"log","host":"server","level":"warn","incarnation":1,"msg":"send failed"}');
    expect(logTraceLine('not json')).toBeUndefined();
  });

  it('a real run: log lines merged by time, previews, the result line last; the hash is the untraced run\'s', async () => {
    const scenario = defineScenario({
      name: 'logs',
      hosts: { a: () => ({}) },
      durationMs: 50,
      workload: async (ctx) => {
        ctx.sim.getHost('a');
        ctx.sim.logger.info('before');
        await ctx.sleep(10);
        ctx.sim.logger.warn({ attempt: 2 }, 'after');
        throw new Error('planted');
      },
    });
    const untraced = await runScenario(scenario, { seed: 1 });
    const logs: string[] = [];
    const traced = await runScenario(scenario, { seed: 1, trace: { keepAll: true, previewChars: 80 }, logSink: (l) => logs.push(l) });
    expect(traced.traceHash).toBe(untraced.traceHash);
    const lines = traceFileLines(traced, logs).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.kind === 'log').map((l) => [l.tMs, l.msg])).toEqual([[0, 'before'], [10, 'after']]);
    const times = lines.map((l) => l.tMs as number);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(lines.at(-1)).toEqual(JSON.parse(resultTraceLine(traced)));
    expect(lines.at(-1)).toMatchObject({ kind: 'result', ok: false, phase: 'safety', seed: 1, traceHash: traced.traceHash });
  });
});
