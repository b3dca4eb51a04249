// `npx tsx <scenario> --trace` writes the same file as `toto sim --trace` for the same seed (trace
// lines with previews and timers, the hosts' log lines, the result line), and --log on both prints
// each host's log lines with virtual time and host before the report.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, runProcess } from '../support/run-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-trace-file-'));
const scenarioFile = path.join(tmp, 'chatty.ts');
const sim = JSON.stringify(path.resolve('src/sim/index.js'));
writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
writeFileSync(scenarioFile, [
  `import { defineScenario, runMain } from ${sim};`,
  `const text = (frame) => new TextDecoder().decode(frame);`,
  `export const scenario = defineScenario({`,
  `  name: 'chatty',`,
  `  hosts: {`,
  `    server: async ({ transport, logger }) => {`,
  `      const socket = transport.socket('rep');`,
  `      await socket.bind('tcp://server:1');`,
  `      void (async () => { for (;;) { const [m] = await socket.receive(); logger.info({ got: text(m) }, 'request'); await socket.send([new TextEncoder().encode('pong')]); } })();`,
  `      return {};`,
  `    },`,
  `    client: async ({ transport, logger, loop }) => {`,
  `      const socket = transport.socket('req');`,
  `      socket.connect('tcp://server:1');`,
  `      loop.callLater(5, () => logger.warn({ late: true }, 'tick'));`,
  `      return { socket };`,
  `    },`,
  `  },`,
  `  durationMs: 50,`,
  `  workload: async (ctx) => {`,
  `    const { socket } = ctx.host('client');`,
  `    await socket.send([new TextEncoder().encode('ping-1')]);`,
  `    await socket.receive();`,
  `  },`,
  `});`,
  `export default scenario;`,
  `runMain(import.meta.url, scenario);`,
].join('\n'));

afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

describe('trace file and --log from both commands', () => {
  it('the same trace file, and the same log lines, from npx tsx <file> and toto sim', async () => {
    const fromTsx = path.join(tmp, 'tsx.jsonl');
    const fromToto = path.join(tmp, 'toto.jsonl');
    const [tsx, toto] = await Promise.all([
      runProcess('npx', ['tsx', scenarioFile, '--seed', '4', '--trace', fromTsx, '--log']),
      runProcess(process.execPath, ['bin/toto.js', 'sim', scenarioFile, '--seed', '4', '--trace', fromToto, '--log']),
    ]);
    expect(tsx.code, tsx.stderr).toBe(0);
    expect(toto.code, toto.stderr).toBe(0);
    const file = readFileSync(fromTsx, 'utf8');
    expect(readFileSync(fromToto, 'utf8')).toBe(file);
    const lines = file.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; preview?: string; host?: string; msg?: string });
    expect(lines.some((l) => l.kind === 'send' && l.preview?.endsWith('ping-1') === true)).toBe(true);
    expect(lines.some((l) => l.kind === 'timer-fire' && l.host === 'client')).toBe(true);
    expect(lines.filter((l) => l.kind === 'log').map((l) => [l.host, l.msg])).toEqual([['server', 'request'], ['client', 'tick']]);
    expect(lines.at(-1)).toMatchObject({ kind: 'result', ok: true, seed: 4 });
    const logOf = (stdout: string): string[] => stdout.split('\n').filter((l) => /^ +\d+\.\d\dms /.test(l));
    expect(logOf(tsx.stdout)).toEqual([expect.stringMatching(/^ +\d\.\d\dms server info {2}request \{"got":"ping-1"\}$/), '     5.00ms client warn  tick {"late":true}']);
    expect(logOf(toto.stdout)).toEqual(logOf(tsx.stdout));
    expect(tsx.stdout).toContain(`trace: ${lines.length} lines written to ${fromTsx}`);
  });

  it('toto sim --log refuses a sweep, naming the option', async () => {
    const r = await runProcess(process.execPath, ['bin/toto.js', 'sim', scenarioFile, '--seeds', '1..3', '--log']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('toto sim: --log: prints the log lines of one run; give --seed N and one scenario file (this sweep has 3 runs)');
    expect(r.stdout).toBe('');
  });
});
