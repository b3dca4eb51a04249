// Proves `toto trace view` on the real command line: a trace written by `toto sim --trace` becomes one self-contained HTML page (no network reference) beside it or at --out, --open hands it to $BROWSER, and each bad input exits 2 with a message naming the problem.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, runProcess, type ProcessResult } from '../support/run-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-trace-view-'));
const trace = path.join(tmp, 'run.jsonl');
const view = (...args: string[]): Promise<ProcessResult> => runProcess(process.execPath, ['bin/toto.js', 'trace', 'view', ...args]);

beforeAll(async () => {
  const r = await runProcess(process.execPath, ['bin/toto.js', 'sim', 'scenarios/job-queue-bug.scenario.ts', '--seed', '1', '--trace', trace, '--no-viewers']);
  expect(r.code, r.stderr).toBe(1);
});

afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

describe('toto trace view', () => {
  it('writes the page beside the trace, self-contained, with the run\'s failure, log lines and payload previews in it', async () => {
    const r = await view(trace);
    expect(r.code, r.stderr).toBe(0);
    const out = path.join(tmp, 'run.html');
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    expect(r.stdout).toBe(`viewer: ${lines.length} trace lines written to ${out} (${Math.round(readFileSync(out).length / 1024)} KiB)\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    // Nothing is fetched: no external script, style, image or font.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
    // The trace file ends with the run's outcome, and its message lines carry payload previews.
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ kind: 'result', ok: false, phase: 'invariants', seed: 1, replay: 'npx tsx scenarios/job-queue-bug.scenario.ts --seed 1' });
    expect(lines.find((l) => l.includes('"kind":"send"'))).toMatch(/"preview":"job-0 \| submit"/);
  });

  it('--out names the page; --open hands it to $BROWSER', async () => {
    const out = path.join(tmp, 'custom.html');
    const opened = path.join(tmp, 'opened.txt');
    const browser = path.join(tmp, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(browser, 0o755);
    const r = await runProcess('env', [`BROWSER=${browser}`, process.execPath, 'bin/toto.js', 'trace', 'view', trace, '--out', out, '--open']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(r.stdout).toContain(`opened ${out} with ${browser}`);
    const deadline = Date.now() + 10_000;
    while (!existsSync(opened) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(opened, 'utf8').trim()).toBe(out);
  });

  it('--open with no browser to start says so and still writes the page', async () => {
    const out = path.join(tmp, 'no-browser.html');
    const r = await runProcess('env', [`BROWSER=${path.join(tmp, 'no-such-browser')}`, process.execPath, 'bin/toto.js', 'trace', 'view', trace, '--out', out, '--open']);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(r.stderr).toContain(`toto trace view: could not open a browser (${path.join(tmp, 'no-such-browser')}: spawn`);
  });

  describe.concurrent('bad input', () => {
    beforeAll(() => {
      mkdirSync(path.join(tmp, 'dir'), { recursive: true });
      writeFileSync(path.join(tmp, 'empty.jsonl'), '\n\n');
      writeFileSync(path.join(tmp, 'bad.jsonl'), '{"tMs":0,"kind":"start","host":"a"}\n{"tMs":1,"kind":\n');
      writeFileSync(path.join(tmp, 'shape.jsonl'), '{"t":0,"kind":"start"}\n');
    });

    it.each([
      [['nope.jsonl'], 'toto trace view: nope.jsonl: no such file (expected a trace written by toto sim --trace out.jsonl)'],
      [[path.join(tmp, 'dir')], `toto trace view: ${path.join(tmp, 'dir')}: not a regular file (expected a trace written by toto sim --trace out.jsonl)`],
      [[path.join(tmp, 'empty.jsonl')], `toto trace view: ${path.join(tmp, 'empty.jsonl')}: empty (expected JSON lines {"tMs": ..., "kind": ...})`],
      [[path.join(tmp, 'shape.jsonl')], `toto trace view: ${path.join(tmp, 'shape.jsonl')}: line 1: expected a trace event {"tMs": <number>, "kind": <string>, ...}, got {"t":0,"kind":"start"}`],
      [[trace, '--out', path.join(tmp, 'no', 'such', 'dir', 'x.html')], `toto trace view: --out: cannot write ${path.join(tmp, 'no', 'such', 'dir', 'x.html')}: ENOENT`],
      [[trace, '--out', trace], `toto trace view: --out: ${trace} is the trace itself; give another file`],
      [[], "error: missing required argument 'trace.jsonl'"],
    ])('%j', async (args, message) => {
      const r = await view(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().startsWith(message), r.stderr).toBe(true);
      expect(r.stdout).toBe('');
    });

    it('a line that is not JSON is named by its number', async () => {
      const r = await view(path.join(tmp, 'bad.jsonl'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^toto trace view: .*bad\.jsonl: line 2: not JSON \(/);
    });

    it('an unknown trace subcommand', async () => {
      const r = await runProcess(process.execPath, ['bin/toto.js', 'trace', 'show', trace]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error: unknown command 'show'");
    });
  });
});
