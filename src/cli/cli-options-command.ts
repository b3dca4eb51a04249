// Commands of the `toto` program whose options come from Toto's options system (src/core/options.ts:
// config files, `--name=value`, Toto's option names) rather than commander's: commander only
// routes to them and hands over the raw arguments after the command's name; the command parses
// them itself (parseOptionsCli: --help exits 0, bad input exits 2 with the reason).
//
// Also: an unknown command is an error naming it (exit 2) even with --help after it
// (`toto nosuch --help`), where commander would print the program's help and exit 0.

import { Command, Help } from 'commander';

type Run = (argv: string[]) => Promise<number> | number;

export interface OptionsCommandSpec {
  name: string;
  /** One line, for `toto --help`. */
  description: string;
  /** What follows the name in `toto --help`: `[options] <methods-dir>`. */
  usage: string;
  run: Run;
}

/** What `toto --help` shows after each options command's name (commander would show `[arguments...]`). */
const usages = new WeakMap<Command, string>();

/** Registers `spec.name` under `parent`; its action gets every argument after the name, untouched. */
export function addOptionsCommand(parent: Command, spec: OptionsCommandSpec, onExit: (code: number) => void): Command {
  const defaultHelp = new Help();
  parent.configureHelp({ subcommandTerm: (cmd) => (usages.has(cmd) ? `${cmd.name()} ${usages.get(cmd)}` : defaultHelp.subcommandTerm(cmd)) });
  const command = parent
    .command(spec.name)
    .description(spec.description)
    .usage(spec.usage)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[arguments...]');
  usages.set(command, spec.usage);
  command.action(async () => onExit(await spec.run(argumentsAfter(command))));
  return command;
}

/** The raw arguments after this command's name (commander drops a `--` and reorders options and operands). */
function argumentsAfter(command: Command): string[] {
  const path: Command[] = [];
  let root: Command = command;
  for (let c: Command | null = command; c !== null; c = c.parent) {
    path.unshift(c);
    root = c;
  }
  // commander keeps the arguments it parsed as rawArgs (untyped): node, the script, then the user's.
  const raw = ((root as unknown as { rawArgs?: string[] }).rawArgs ?? []).slice(2);
  let at = -1;
  // The names of the commands on the way (the program's own options are flags, never values).
  for (const c of path.slice(1)) at = raw.indexOf(c.name(), at + 1);
  return raw.slice(at + 1);
}

/** Makes `program.parseAsync` fail on an unknown command name at any level, before any help is shown. */
export function rejectUnknownCommands(program: Command): void {
  const parseAsync = program.parseAsync.bind(program);
  program.parseAsync = (argv?: readonly string[], options?: Parameters<Command['parseAsync']>[1]) => {
    const args = (argv ?? process.argv).slice(options?.from === 'user' ? 0 : 2);
    checkCommandNames(program, args);
    return parseAsync(argv, options);
  };
}

/** Throws (commander error, exit code 2) when `args` name a command that does not exist at its level. */
export function checkCommandNames(program: Command, args: readonly string[]): void {
  let command = program;
  const names: string[] = [];
  for (const arg of args) {
    if (arg === '--') return;
    if (arg.startsWith('-')) continue;
    // A command that takes arguments (toto sim <path>) reads the rest itself.
    if (command.commands.length === 0 || command.registeredArguments.length > 0) return;
    if (arg === 'help' && command === program) {
      command = program; // `toto help <command>`: the next word must be a command too
      continue;
    }
    const next = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (next === undefined) {
      const where = ['toto', ...names].join(' ');
      const known = command.commands.map((c) => c.name()).join(', ');
      program.error(`error: unknown command '${arg}' for ${where} (commands: ${known}; ${where} --help lists them)`, { code: 'commander.unknownCommand', exitCode: 2 });
    }
    names.push(arg);
    command = next;
  }
}
