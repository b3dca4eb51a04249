// Keeps differently compiled copies of one source file apart before c8 merges coverage.
//
// Why: c8 adds up the raw V8 coverage of every process by script URL, as byte ranges of the
// code that ran, and then maps the sum through one source map per URL. A .ts file compiled one
// way in most processes (tsx's --import loader) and another way in a few (tsx's register() API
// in bin/toto.js and the `toto sim` worker threads, or a file edited during the run) then gets
// ranges of one compilation read against the other's map: whole covered functions come out
// uncovered. So each compilation other than the most common one gets a URL of its own (its
// source map still names the original file), and the copies meet again after mapping, line by
// line, in c8's istanbul merge.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function compilationOf(processCoverage, url) {
  const entry = processCoverage['source-map-cache']?.[url];
  if (!entry?.data) return 'no-source-map';
  return createHash('sha1').update(JSON.stringify(entry.lineLengths ?? [])).update(String(entry.data.mappings)).digest('hex').slice(0, 10);
}

function* coverageFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let coverage;
    try {
      coverage = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // a process killed while writing: nothing to read
    }
    if (Array.isArray(coverage?.result)) yield { file, coverage };
  }
}

/**
 * Rewrites the coverage files in `dir` so every script URL under `srcDir` has one compilation;
 * returns how many source files had several and how many script entries were renamed.
 */
export function separateCompilations(dir, srcDir) {
  const prefix = pathToFileURL(srcDir).href + '/';
  const counts = new Map(); // url -> compilation -> processes
  for (const { coverage } of coverageFiles(dir)) {
    for (const { url } of coverage.result) {
      if (!url.startsWith(prefix)) continue;
      const byCompilation = counts.get(url) ?? new Map();
      const key = compilationOf(coverage, url);
      byCompilation.set(key, (byCompilation.get(key) ?? 0) + 1);
      counts.set(url, byCompilation);
    }
  }
  const usual = new Map();
  for (const [url, byCompilation] of counts) if (byCompilation.size > 1) usual.set(url, [...byCompilation].sort((a, b) => b[1] - a[1])[0][0]);
  let renamed = 0;
  if (usual.size === 0) return { files: 0, renamed };
  for (const { file, coverage } of coverageFiles(dir)) {
    let changed = false;
    for (const script of coverage.result) {
      const canonical = usual.get(script.url);
      if (canonical === undefined) continue;
      const key = compilationOf(coverage, script.url);
      if (key === canonical) continue;
      // Beside the original and still matching src/**/*.ts, so c8's include rules take it.
      const url = script.url.replace(/(\.[cm]?tsx?)?$/, (ext) => `.compiled-${key}${ext || '.js'}`);
      if (coverage['source-map-cache']?.[script.url]) coverage['source-map-cache'][url] = coverage['source-map-cache'][script.url];
      script.url = url;
      changed = true;
      renamed++;
    }
    if (changed) writeFileSync(file, JSON.stringify(coverage));
  }
  return { files: usual.size, renamed };
}
