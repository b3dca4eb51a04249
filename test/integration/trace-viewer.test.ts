// Proves the trace viewer in a real browser (Debian's chromium driven by playwright-core): the page of a failed run loads without console errors, draws one arrow per delivery, shows the failure on load, shows an event's line, payload and the host's log lines on click, filters by call id and by host; a 100,000-event trace loads and pans (figures printed). Screenshots go to test-artifacts/trace-viewer/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceFileLines, tracedRunOptions } from '../../src/sim/trace-file.js';
import { viewerHtml } from '../../src/cli/trace-viewer.js';
import type { Socket } from '../../src/core/transport.js';
import { defineScenario, runScenario } from '../../src/sim/index.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = path.resolve('test-artifacts/trace-viewer');
const CALLS = 20;
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

// An echo service whose server logs each request; a partition stalls some calls; the workload fails an always() at the end.
const scenario = defineScenario({
  name: 'viewer-echo',
  hosts: {
    server: (ctx) => {
      const socket = ctx.transport.socket('router');
      void socket.bind('tcp://*:7000').then(async () => {
        for (;;) {
          const [identity, body] = await socket.receive();
          ctx.logger.info({ call: dec(body) }, `request ${dec(body)}`);
          await socket.send([identity as Uint8Array, body as Uint8Array]);
        }
      });
      return {};
    },
    client: (ctx) => {
      const socket = ctx.transport.socket('dealer');
      socket.connect('tcp://server:7000');
      return { socket };
    },
  },
  faults: [{ kind: 'partition', atMs: 30, durationMs: 40, sideA: ['client'], sideB: ['server'] }],
  durationMs: 300,
  workload: async (ctx) => {
    const { socket } = ctx.host<{ socket: Socket }>('client');
    for (let i = 0; i < CALLS; i++) {
      await socket.send([enc(`call-${i}`)]);
      await ctx.sleep(5);
    }
    for (let i = 0; i < CALLS; i++) await socket.receive();
    ctx.sim.always(false, 'planted: the viewer test fails on purpose');
  },
});

let browser: Browser;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does it in CI`);
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

async function open(file: string): Promise<void> {
  errors = [];
  page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request: ${request.url()}`));
  await page.goto(`file://${file}`);
  await page.waitForFunction('window.__viewer !== undefined', null, { timeout: 15_000 });
}

type Hook = { arrows: number; events: number; failure: number; loadMs: number; stats: { drawnArrows: number; drawMs: number } };
// Page code goes in as strings: this file is type-checked without the DOM's types.
const hook = (): Promise<Hook> => page.evaluate('({ ...window.__viewer, stats: { ...window.__viewer.stats } })') as Promise<Hook>;
const call = <T>(body: string): Promise<T> => page.evaluate(`(() => { const v = window.__viewer; ${body} })()`) as Promise<T>;
const frame = (): Promise<unknown> => page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

describe('trace viewer in chromium', () => {
  let lines: string[];
  const file = path.join(artifacts, 'viewer-echo.html');

  beforeAll(async () => {
    const logs: string[] = [];
    const result = await runScenario(scenario, { seed: 7, ...tracedRunOptions(logs) });
    expect(result.ok).toBe(false);
    lines = traceFileLines(result, logs);
    writeFileSync(file, viewerHtml(lines, 'viewer-echo seed 7'));
    await open(file);
  });

  it('loads with no console errors, one arrow per delivery, the failure shown and selected', async () => {
    const kinds = lines.map((l) => (JSON.parse(l) as { kind: string }).kind);
    const deliveries = kinds.filter((k) => k === 'deliver').length;
    expect(deliveries).toBe(2 * CALLS);
    const v = await hook();
    expect(v.arrows).toBe(deliveries);
    expect(await page.getAttribute('body', 'data-arrows')).toBe(String(deliveries));
    expect(v.failure).toBe(kinds.indexOf('always-failed'));
    expect(await call<number>('return v.selected();')).toBe(v.failure);
    expect(await page.textContent('#outcome.failed')).toContain('viewer-echo seed 7: FAILED (safety phase)');
    expect(await page.textContent('#details h2.failed')).toMatch(/^#\d+ always-failed at /);
    // The partition stalled some messages: drawn as stalled.
    expect((await call<{ stalled: number }>('return v.arrowsByStyle;')).stalled).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, 'load-failure.png') });
    await call('v.fit(); v.draw();');
    expect((await hook()).stats.drawnArrows).toBe(deliveries);
    await page.screenshot({ path: path.join(artifacts, 'fit.png') });
    expect(errors).toEqual([]);
  });

  it('clicking a delivery shows its line, its payload, the other end and the host\'s recent log lines', async () => {
    const deliver = lines.findIndex((l) => l.includes('"kind":"deliver"') && l.includes('"preview":"') && l.includes('call-3') && l.includes('"host":"server"'));
    expect(deliver).toBeGreaterThan(0);
    const t = (JSON.parse(lines[deliver] as string) as { tMs: number }).tMs;
    await call(`v.setView(${t - 20}, ${t + 20}); v.draw();`);
    const at = await call<{ x: number; y: number }>(`return v.screenPos(${deliver});`);
    await page.mouse.click(at.x, at.y);
    await frame();
    expect(await call<number>('return v.selected();')).toBe(deliver);
    expect(await page.textContent('#details h2')).toMatch(new RegExp(`^#${deliver} deliver at [\\d.]+ms on server$`));
    const details = await page.textContent('#details');
    expect(details).toContain('call-3');
    expect(details).toContain('sent by client at');
    expect(details).toContain('log lines of server');
    expect(details).toContain('info request call-2');
    await page.screenshot({ path: path.join(artifacts, 'clicked.png') });
    expect(errors).toEqual([]);
  });

  it('filters by call id and by host', async () => {
    await call('v.fit(); v.draw();');
    await page.fill('#call', 'call-3');
    await frame();
    // The request and its reply: call-13 does not match call-3.
    expect((await hook()).stats.drawnArrows).toBe(2);
    await page.screenshot({ path: path.join(artifacts, 'call-filter.png') });
    await page.fill('#call', '');
    await page.uncheck('input[data-host="client"]');
    await frame();
    expect(await call<string[]>('return v.lanes();')).not.toContain('client');
    expect((await hook()).stats.drawnArrows).toBe(0);
    await page.check('input[data-host="client"]');
    await page.check('#sockets');
    await frame();
    expect(await call<string[]>('return v.lanes();')).toEqual(expect.arrayContaining(['server', 'server/router#1', 'client']));
    expect((await hook()).stats.drawnArrows).toBe(2 * CALLS);
    expect(errors).toEqual([]);
  });
});

/** A synthetic trace of `events` lines: three hosts exchanging messages, faults, logs. */
function bigTrace(events: number): string[] {
  const out: string[] = [];
  const hosts = ['a', 'b', 'c'];
  // Each message is sent at t and delivered 1.5ms later; sends every 0.5ms, so three are in flight: emitted in time order.
  const inFlight: string[][] = [];
  for (let msg = 1; out.length < events; msg++) {
    const t = msg * 0.5;
    const from = hosts[msg % 3] as string;
    const to = hosts[(msg + 1) % 3] as string;
    while (inFlight.length > 0 && (JSON.parse((inFlight[0] as string[])[0] as string) as { tMs: number }).tMs <= t) out.push(...(inFlight.shift() as string[]));
    out.push(JSON.stringify({ tMs: t, kind: 'send', host: from, from, to, socket: `${from}/dealer#1`, msg, bytes: 8, preview: `req-${msg}` }));
    if (msg % 5000 === 0) out.push(JSON.stringify({ tMs: t, kind: 'fault', fault: 'partition', phase: msg % 10000 === 0 ? 'end' : 'start', index: Math.floor(msg / 10000), sideA: ['a'], sideB: ['b'] }));
    if (msg % 100 === 0) out.push(JSON.stringify({ tMs: t, kind: 'log', host: from, level: 'info', msg: `sent ${msg}` }));
    inFlight.push([JSON.stringify({ tMs: t + 1.5, kind: 'deliver', host: to, from, to, socket: `${to}/router#2`, msg, bytes: 8, preview: `req-${msg}` })]);
  }
  return out.slice(0, events);
}

describe('a 100,000-event trace', () => {
  it('loads and pans (load time and frame times printed)', async () => {
    const lines = bigTrace(100_000);
    const file = path.join(artifacts, 'big.html');
    const builtMs = performance.now();
    writeFileSync(file, viewerHtml(lines, 'synthetic 100,000 events'));
    const buildMs = performance.now() - builtMs;
    const startedMs = performance.now();
    await open(file);
    const loadWallMs = performance.now() - startedMs;
    const v = await hook();
    expect(v.events).toBe(100_000);
    expect(v.arrows).toBe(lines.filter((l) => l.includes('"kind":"deliver"')).length);
    // Whole run in view, then zoomed in to a tenth: 20 pans each, every frame drawn in full.
    // A frame's time includes the raster: reading a pixel back waits for the canvas to be drawn.
    const panMs = async (): Promise<number[]> =>
      call<number[]>(
        "const c = document.getElementById('canvas').getContext('2d'); const ms = []; " +
          'for (let i = 0; i < 20; i++) { const t = performance.now(); v.pan(-40, 0); v.draw(); c.getImageData(0, 0, 1, 1); ms.push(performance.now() - t); } return ms;',
      );
    await call('v.fit(); v.draw();');
    const wholeDrawn = (await hook()).stats.drawnArrows;
    const whole = await panMs();
    await call('v.fit(); v.zoomAt(700, 0.1); v.draw();');
    const zoomed = await panMs();
    const zoomedDrawn = (await hook()).stats.drawnArrows;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const size = readFileSync(file).length;
    console.log(
      `trace viewer, 100,000 events (${v.arrows} arrows, ${(size / 1e6).toFixed(1)} MB page): page built in ${buildMs.toFixed(0)}ms; ` +
        `loaded in ${v.loadMs.toFixed(0)}ms (page's own clock), ${loadWallMs.toFixed(0)}ms wall; ` +
        `pan frame median ${median(whole).toFixed(1)}ms with the whole run in view (${wholeDrawn} arrows), ${median(zoomed).toFixed(1)}ms zoomed to a tenth (${zoomedDrawn} arrows)`,
    );
    await page.screenshot({ path: path.join(artifacts, 'big.png') });
    expect(loadWallMs).toBeLessThan(20_000);
    // Chromium's hint about the measurement's own pixel reads is not the page's.
    expect(errors.filter((e) => !e.includes('willReadFrequently'))).toEqual([]);
  });
});
