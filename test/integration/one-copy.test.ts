// Proves one copy of the framework per process in this checkout: a scenario importing 'toto-ts/sim' runs on the very modules of `toto sim` (from any working directory), of `npx tsx` and of a vitest test, never a stale dist/; and defineScenario names the scenario's own file, not the framework's, when dist/ runs with source maps (which rewrite its stack frames to src/).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { defineScenario, runScenario } from '../../src/sim/index.js';
import { repoRoot } from '../support/run-process.js';
import fixture from '../fixtures/one-copy/one-copy.scenario.js';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-one-copy-'));
const fixtureFile = path.join(repoRoot, 'test/fixtures/one-copy/one-copy.scenario.ts');

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('one copy of the framework', () => {
  it('toto sim, started from another directory, runs a scenario importing toto-ts/sim on its own modules', async () => {
    const r = await run(process.execPath, [path.join(repoRoot, 'bin/toto.js'), 'sim', fixtureFile, '--seeds', '1..3'], { cwd: tmp, timeout: 60_000 });
    expect(r.stdout).toContain('runs: 3, failures: 0');
  });

  it('npx tsx runs it on the same modules', async () => {
    const r = await run('npx', ['tsx', fixtureFile, '--seed', '4'], { cwd: repoRoot, timeout: 60_000 });
    expect(r.stdout).toMatch(/^one-copy seed 4: ok: /m);
  });

  it('a vitest test importing it runs it with src/ directly, and the replay names the fixture', async () => {
    const result = await runScenario(fixture, { seed: 1 });
    expect(result.error?.message).toBeUndefined();
    expect(result.replayCommand).toBe('npx tsx test/fixtures/one-copy/one-copy.scenario.ts --seed 1');
  });

  it("two copies still agree on a scenario's file: runMain of dist/ registers it, runScenario of src/ names it in the replay", async () => {
    const dist = (await import(pathToFileURL(path.join(repoRoot, 'dist/sim/index.js')).href)) as typeof import('../../src/sim/index.js');
    const scenario = defineScenario({ name: 'registered', hosts: { a: () => ({}) }, durationMs: 1, workload: () => {} });
    const moduleFile = path.join(tmp, 'registered.scenario.ts');
    dist.runMain(pathToFileURL(moduleFile).href, scenario);
    const result = await runScenario(scenario, { seed: 2 });
    expect(result.replayCommand).toBe(`npx tsx ${moduleFile} --seed 2`);
  });

  it("dist/ under tsx (source maps on): defineScenario names the caller's file, not src/sim/scenario.ts", async () => {
    const file = path.join(tmp, 'from-dist.mts');
    const dist = pathToFileURL(path.join(repoRoot, 'dist/sim/index.js')).href;
    writeFileSync(
      file,
      [
        `import { defineScenario } from ${JSON.stringify(dist)};`,
        "const s = defineScenario({ name: 'd', hosts: { a: () => ({}) }, durationMs: 1, workload: () => {} });",
        'console.log(s.file);',
      ].join('\n'),
    );
    const r = await run('npx', ['tsx', file], { cwd: repoRoot, timeout: 60_000 });
    expect(r.stdout.trim()).toBe(file);
  });
});
