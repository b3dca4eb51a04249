// The one error the options module throws. A CLI catches it, prints `message` and exits with
// `exitCode` (2, a usage error); a program reads `code`, `option` and `source` to react.

/** What went wrong, for a caller that reacts to the kind rather than the text. */
export type OptionsErrorCode =
  /** A name that was never defined (command line, config file or constructor). */
  | 'UNKNOWN_OPTION'
  /** A value that does not parse as, or is out of range for, the option's type. */
  | 'BAD_VALUE'
  /** `--name` at the end of the arguments (or before another option) with no value. */
  | 'MISSING_VALUE'
  /** A config file that is not `name = value` lines or a JSON object. */
  | 'MALFORMED_CONFIG'
  /** The same option defined twice. */
  | 'DUPLICATE_DEFINE'
  /** define() given a bad name or spec (a programming error, reported the same way). */
  | 'BAD_DEFINE'
  /** A config file that cannot be read, or is larger than allowed. */
  | 'FILE_UNREADABLE';

/** Where a value came from, in increasing precedence (default < constructor < file < command line). */
export type OptionSource = 'default' | 'constructor' | 'file' | 'command line';

/** A usage error's exit code, as commander and most CLIs use. */
export const OPTIONS_EXIT_CODE = 2;

export interface OptionsErrorDetails {
  /** The option's name as the user wrote it (`--procs`, `procs`), when one is involved. */
  option?: string;
  /** `command line`, `constructor`, or `path:line` for a config file. */
  where?: string;
}

export class OptionsError extends Error {
  readonly exitCode = OPTIONS_EXIT_CODE;
  readonly option: string | undefined;
  readonly where: string | undefined;

  constructor(
    readonly code: OptionsErrorCode,
    message: string,
    details: OptionsErrorDetails = {},
  ) {
    super(message);
    this.name = 'OptionsError';
    this.option = details.option;
    this.where = details.where;
  }
}

/** `where: option: reason`, leaving out what is not known. */
export function optionsMessage(where: string | undefined, option: string | undefined, reason: string): string {
  return [where, option, reason].filter((part) => part !== undefined && part !== '').join(': ');
}
