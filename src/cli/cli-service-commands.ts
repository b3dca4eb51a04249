// Registers the service commands of `toto` (worker, router, invoke, events send/listen) on the
// program; each parses its own arguments with Toto's options system (cli-options-command.ts).
// Each command's module is imported when it runs: zeromq.js and the worker service take most of
// a second to load, which `toto sim` and a `toto invoke` should not pay for the others.

import type { Command } from 'commander';
import { addOptionsCommand, rejectUnknownCommands } from './cli-options-command.js';

const workerCommand = async (argv: string[]) => (await import('./worker-command.js')).workerCommand(argv);
const routerCommand = async (argv: string[]) => (await import('./router-command.js')).routerCommand(argv);
const invokeCommand = async (argv: string[]) => (await import('./invoke-command.js')).invokeCommand(argv);
const eventsSendCommand = async (argv: string[]) => (await import('./events-command.js')).eventsSendCommand(argv);
const eventsListenCommand = async (argv: string[]) => (await import('./events-command.js')).eventsListenCommand(argv);

export function registerServiceCommands(program: Command, onExit: (code: number) => void): void {
  addOptionsCommand(program, { name: 'worker', description: 'run a worker service (router + worker processes), as a daemon with --start; --command status|shutdown', usage: '[OPTIONS] <methods-dir>', run: workerCommand }, onExit);
  addOptionsCommand(program, { name: 'router', description: 'run a router alone, shared by the workers of other services', usage: '[OPTIONS]', run: routerCommand }, onExit);
  addOptionsCommand(program, { name: 'invoke', description: 'call a method of a worker service and print the reply as JSON', usage: '[OPTIONS] <address> <method> [json]', run: invokeCommand }, onExit);
  const events = program.command('events').description('send events to event servers, or listen for them');
  addOptionsCommand(events, { name: 'send', description: 'send one event (to every address, or --no-broadcast to one)', usage: '[OPTIONS] <address> <name> [json]', run: eventsSendCommand }, onExit);
  addOptionsCommand(events, { name: 'listen', description: 'print the events that arrive at an address as JSON lines until Ctrl-C', usage: '[OPTIONS] <address>', run: (argv) => eventsListenCommand(argv) }, onExit);
  rejectUnknownCommands(program);
}
