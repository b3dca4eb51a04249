// `npm run bench -- <suite> [...]`: runs benchmark suites by name (each is bench/<suite>.ts
// exporting `run(args)`); with no name, lists them.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine } from './lib/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.log(`usage: npm run bench -- <suite>\nsuites: ${suites.join(', ')}`);
  process.exit(0);
}
if (!suites.includes(name)) {
  console.error(`bench: unknown suite ${JSON.stringify(name)} (known: ${suites.join(', ')})`);
  process.exit(2);
}
console.log(`# bench ${name} on ${machineLine()}, ${new Date().toISOString().slice(0, 10)}`);
const suite = (await import(join(here, `${name}.ts`))) as { run(args: string[]): Promise<void> };
await suite.run(args);
