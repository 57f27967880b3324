/** The shape of one command in the table (src/cli/commands.ts). */
import type { ExitCode } from './exit-codes.js';
import type { OptionSpec, ParsedFlags } from './flags.js';
import type { Output } from './output.js';

export type { ParsedFlags } from './flags.js';

export interface RunContext {
  output: Output;
  signal: AbortSignal;
}

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  help: Record<string, string>;
  /** the positional arguments it takes, named as its usage names them */
  args?: readonly string[];
  run(flags: ParsedFlags, ctx: RunContext): Promise<ExitCode>;
}
