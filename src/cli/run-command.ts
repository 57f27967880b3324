/**
 * One command's run: its output (terminal or --json), Ctrl-C handling, and what it threw turned
 * into a message and an exit code. Loaded by main.ts only when a command runs.
 */
import { createActivity } from './activity.js';
import { COMMANDS, type CommandName, type ParsedFlags } from './commands.js';
import type { ExitCode } from './exit-codes.js';
import { listenForInterrupts } from './interrupts.js';
import { createOutput, type Output } from './output.js';
import { renderError } from './render-error.js';

export async function runCommand(name: CommandName, flags: ParsedFlags): Promise<ExitCode> {
  const activity = createActivity();
  const written = createOutput({
    json: flags.json === true,
    quiet: flags.quiet === true,
    verbose: flags.verbose === true,
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // every event also tells Ctrl-C what is going on
  const output: Output = {
    ...written,
    event(event) {
      activity.apply(event);
      written.event(event);
    },
  };
  const interrupts = listenForInterrupts(output, activity.stopNotice);
  let code: ExitCode;
  try {
    code = await COMMANDS[name].run(flags, { output, signal: interrupts.signal });
  } catch (error) {
    code = renderError(error, output, interrupts.signal.aborted);
  } finally {
    output.close();
  }
  interrupts.ended(code);
  return code;
}
