// `npm run bench` runs every suite (`-- all` too); `npm run bench -- <suite> [...args]` runs one
// (each is bench/<suite>.ts exporting `run(args)`); `-- --list` lists them. After each suite its
// generated block (command, machine, date, load, comparisons) is written into BENCHMARKS.md
// between the suite's markers, unless `--no-write`. With `all`, the other flags (`--quick`) go to
// every suite.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine } from './lib/harness.js';
import { replaceBlock } from './lib/report-markers.js';
import { formatReport, type SuiteReport, type SuiteResult } from './lib/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchmarksFile = join(here, '..', 'BENCHMARKS.md');
const suites = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const given = process.argv.slice(2);
const write = !given.includes('--no-write');
const rest = given.filter((a) => a !== '--no-write');
if (rest.includes('--list') || rest.includes('--help')) {
  console.log(`usage: npm run bench [-- all | <suite>] [suite args...] [--no-write]\nsuites: ${suites.join(', ')}`);
  process.exit(0);
}
const named = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : 'all';
const args = rest[0] === named ? rest.slice(1) : rest;
if (named !== 'all' && !suites.includes(named)) {
  console.error(`bench: unknown suite ${JSON.stringify(named)} (known: ${suites.join(', ')}, or all)`);
  process.exit(2);
}

async function runSuite(name: string): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg();
  console.log(`# bench ${name} on ${machineLine()}, ${startedAt.slice(0, 10)}, load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}`);
  const suite = (await import(join(here, `${name}.ts`))) as { run(args: string[]): Promise<SuiteResult> };
  const result = await suite.run(args);
  const command = ['npm run bench --', name, ...args].join(' ');
  return { suite: name, command, machine: machineLine(), startedAt, loadAtStart, loadAtEnd: os.loadavg(), comparisons: result.comparisons, figures: result.figures };
}

let failed = 0;
for (const name of named === 'all' ? suites : [named]) {
  try {
    const report = await runSuite(name);
    // Arguments that are not flags pick parts of a suite (`sim worker`, `rpc direct`): such a run
    // would replace the suite's whole block with its part, so it writes nothing.
    const partial = args.some((a) => !a.startsWith('-'));
    if (write && partial) console.log(`# bench ${name}: a partial run (${args.join(' ')}): BENCHMARKS.md not written; run the whole suite to write its block`);
    if (write && !partial) {
      // Read right before writing: others may edit the hand-written text while a suite runs.
      writeFileSync(benchmarksFile, replaceBlock(readFileSync(benchmarksFile, 'utf8'), name, formatReport(report)));
      console.log(`# bench ${name}: its block in BENCHMARKS.md is written`);
    }
  } catch (error) {
    failed++;
    console.error(`bench ${name} failed:`, error);
  }
  console.log('');
}
if (failed > 0) process.exit(1);
