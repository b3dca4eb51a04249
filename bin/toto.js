#!/usr/bin/env node
// The toto command. tsx is registered first so scenario files (.ts) load at run time; in a
// checkout the CLI itself runs from src/, in an installed package from dist/.
import { existsSync } from 'node:fs';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';
import { URL } from 'node:url';

// Both hooks, as `npx tsx` has: a .ts file in a package that is not "type": "module" loads as CommonJS.
register();
registerCjs();
const source = new URL('../src/cli/toto.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/cli/toto.js', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
