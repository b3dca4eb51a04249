// Reads c8's json-summary (coverage/coverage-summary.json), prints line coverage per directory
// of src/ and for the whole of it, and fails with a clear message when a threshold is not met:
// src/core >= 95 %, src >= 90 %. For a directory below its threshold it names the files with
// the most uncovered lines, where tests would help most.
//   node scripts/coverage-check.mjs [summary.json] [--no-thresholds]

import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Line coverage required, by directory under the repository ('src' is the whole of it). */
export const THRESHOLDS = { 'src/core': 95, src: 90 };
const DIRECTORIES = ['src/core', 'src/adapters', 'src/sim', 'src/cli', 'src (top level)'];
const FILES_NAMED = 8;

/** The directory a file's lines count toward: src/sim/network/x.ts counts toward src/sim. */
function directoryOf(relative) {
  const parts = relative.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : 'src (top level)';
}

export function summarize(summary, root) {
  const dirs = new Map(DIRECTORIES.map((d) => [d, { covered: 0, total: 0, files: [] }]));
  const all = { covered: 0, total: 0, files: [] };
  for (const [file, entry] of Object.entries(summary)) {
    if (file === 'total') continue;
    const relative = path.relative(root, file).split(path.sep).join('/');
    if (!relative.startsWith('src/')) continue;
    const dir = directoryOf(relative);
    if (!dirs.has(dir)) dirs.set(dir, { covered: 0, total: 0, files: [] });
    const item = { file: relative, covered: entry.lines.covered, total: entry.lines.total };
    for (const bucket of [dirs.get(dir), all]) {
      bucket.covered += item.covered;
      bucket.total += item.total;
      bucket.files.push(item);
    }
  }
  return { dirs, all };
}

const percent = (b) => (b.total === 0 ? 100 : (100 * b.covered) / b.total);
const figure = (b) => `${percent(b).toFixed(2).padStart(6)} %  ${String(b.covered).padStart(6)} / ${String(b.total).padEnd(6)} lines  ${String(b.files.length).padStart(3)} files`;

export function report({ dirs, all }, checkThresholds) {
  const lines = ['line coverage by directory (c8, every process and worker thread of the test run):'];
  for (const [dir, bucket] of dirs) lines.push(`  ${dir.padEnd(16)} ${figure(bucket)}${THRESHOLDS[dir] ? `   (threshold ${THRESHOLDS[dir]} %)` : ''}`);
  lines.push(`  ${'src (all)'.padEnd(16)} ${figure(all)}   (threshold ${THRESHOLDS.src} %)`);
  const failures = [];
  for (const [dir, required] of Object.entries(THRESHOLDS)) {
    const bucket = dir === 'src' ? all : dirs.get(dir);
    if (bucket === undefined || percent(bucket) >= required) continue;
    const short = [...bucket.files].sort((a, b) => b.total - b.covered - (a.total - a.covered)).slice(0, FILES_NAMED);
    failures.push(
      `${dir}: ${percent(bucket).toFixed(2)} % of lines covered, below the threshold of ${required} % (${Math.ceil((required / 100) * bucket.total - bucket.covered)} more lines needed). Most uncovered:\n` +
        short.map((f) => `    ${f.file}: ${f.total - f.covered} of ${f.total} lines uncovered (${percent(f).toFixed(1)} %)`).join('\n'),
    );
  }
  if (!checkThresholds) lines.push('thresholds not checked (a partial run)');
  else if (failures.length === 0) lines.push(`thresholds met: ${Object.entries(THRESHOLDS).map(([d, t]) => `${d} >= ${t} %`).join(', ')}`);
  else lines.push(...failures.map((f) => `COVERAGE BELOW THRESHOLD: ${f}`));
  return { text: lines.join('\n'), ok: !checkThresholds || failures.length === 0 };
}

export function checkCoverage(summaryFile, root, checkThresholds = true) {
  let summary;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch (error) {
    return { text: `coverage: cannot read ${summaryFile} (${error.code ?? error.message}): run npm run coverage first`, ok: false };
  }
  return report(summarize(summary, root), checkThresholds);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--')) ?? 'coverage/coverage-summary.json';
  const { text, ok } = checkCoverage(file, process.cwd(), !args.includes('--no-thresholds'));
  process.stdout.write(`${text}\n`);
  process.exitCode = ok ? 0 : 1;
}
