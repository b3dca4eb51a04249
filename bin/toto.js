#!/usr/bin/env node
// The toto command. tsx is registered first so scenario files (.ts) load at run time; in a
// checkout the CLI itself runs from src/, in an installed package from dist/.
// In a checkout, tsx reads the checkout's tsconfig.json (whatever the working directory; through
// TSX_TSCONFIG_PATH, so `toto sim`'s worker threads do too), whose paths map `toto-ts`,
// `toto-ts/sim`... to src/: a scenario importing 'toto-ts/sim' then shares the CLI's own modules
// (one copy of the framework, never a stale dist/).
import { existsSync } from 'node:fs';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';
import { fileURLToPath, URL } from 'node:url';

const source = new URL('../src/cli/toto.ts', import.meta.url);
const inCheckout = existsSync(source);
if (inCheckout) process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
// `toto sim ... | head`: once the reader has gone, stop quietly instead of dying on an EPIPE
// stack trace (as a process killed by SIGPIPE would, with its exit code 128 + 13).
const EXIT_BROKEN_PIPE = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
    throw error;
  });
}

// Both hooks, as `npx tsx` has: a .ts file in a package that is not "type": "module" loads as CommonJS.
register();
registerCjs();
const entry = inCheckout ? source : new URL('../dist/cli/toto.js', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
