// `npm run coverage [-- <vitest filters>]`: the test suite with Node's V8 coverage on
// (NODE_V8_COVERAGE, as c8 sets it), so every process and worker thread the tests start (worker
// processes, routers, event servers, `toto sim`'s threads) records its coverage too; then c8
// maps it through tsx's source maps back to src/*.ts and reports, and coverage-check.mjs prints
// line coverage per directory and checks the thresholds. Reports: coverage/index.html (per file
// and line) and coverage/coverage-summary.json. With filters (a partial run) the table is
// printed and the thresholds are not checked. COVERAGE_KEEP_RAW=1 keeps coverage/tmp (V8's files).

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URL } from 'node:url';
import { checkCoverage } from './coverage-check.mjs';
import { separateCompilations } from './coverage-variants.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const c8 = require.resolve('c8/bin/c8.js');
const vitestPackage = require.resolve('vitest/package.json');
const vitest = path.join(path.dirname(vitestPackage), require(vitestPackage).bin.vitest);
const rawDir = path.join(root, 'coverage', 'tmp');
const filters = process.argv.slice(2);

function run(what, args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) {
    process.stderr.write(`coverage: could not run ${what}: ${result.error.message}\n`);
    process.exit(1);
  }
  return result.status;
}

const startedMs = performance.now();
rmSync(rawDir, { recursive: true, force: true });
mkdirSync(rawDir, { recursive: true });
const testStatus = run('vitest', [vitest, 'run', '--config', 'scripts/coverage-vitest.config.ts', ...filters], { ...process.env, NODE_V8_COVERAGE: rawDir });
const testsMinutes = ((performance.now() - startedMs) / 60_000).toFixed(1);

const { files, renamed } = separateCompilations(rawDir, path.join(root, 'src'));
if (files > 0) process.stdout.write(`coverage: ${files} source files ran compiled in more than one way; ${renamed} script entries kept apart until mapped\n`);
const reportStatus = run('c8 report', [
  c8, 'report',
  '--temp-directory', rawDir,
  // Files no test loads count as uncovered, not as absent.
  '--all', '--src', 'src',
  '--include', 'src/**/*.ts',
  '--exclude', 'src/**/*.d.ts',
  '--reporter', 'json-summary',
  '--reporter', 'html',
  '--reports-dir', 'coverage',
  // Hundreds of processes each wrote a coverage file: merge them one at a time, not all in memory.
  '--merge-async',
]);

// The raw files are large (hundreds of MB for the whole suite): kept only when asked for.
if (process.env.COVERAGE_KEEP_RAW !== '1') rmSync(rawDir, { recursive: true, force: true });

const { text, ok } = checkCoverage(path.join(root, 'coverage', 'coverage-summary.json'), root, filters.length === 0);
const totalMinutes = ((performance.now() - startedMs) / 60_000).toFixed(1);
process.stdout.write(`\n${text}\ncoverage run: ${totalMinutes} min (tests ${testsMinutes} min); per file and line: coverage/index.html\n`);
if (testStatus !== 0) process.stdout.write(`the tests failed (exit ${testStatus}): this is the coverage of a failing run\n`);
if (reportStatus !== 0) process.stdout.write(`c8 report failed (exit ${reportStatus})\n`);
process.exitCode = testStatus !== 0 || reportStatus !== 0 || !ok ? 1 : 0;
