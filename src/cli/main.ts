/**
 * The command line: argv → a library call → output and an exit code. This is the only place that
 * decides the process's exit code: help, version and usage errors here, a command's own run in
 * run-command.ts (with render-error.ts for what a command threw, interrupts.ts for Ctrl-C).
 */
import { readCommandLine } from './argv.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { commandHelp, GLOBAL_HELP } from './help.js';
import { readVersion } from './version.js';

/**
 * A reader that goes away (`kieaudio build | head`, a pager quit early) closes the pipe; the next
 * write fails with EPIPE (EIO on a terminal that was closed), which Node raises as an 'error'
 * event that, unhandled, kills the process — a build stopped half-way, tasks in flight left for
 * the next one to resume. The build is worth finishing (it is paid for; a closed terminal stops
 * it as Ctrl-C does), so what it would have printed there is dropped instead.
 */
function dropOutputToClosedPipes(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    });
  }
}

/** The ffmpeg line of `--version --verbose`; an unusable ffmpeg is said on stderr, exit 1. */
async function printFfmpeg(): Promise<ExitCode> {
  const { describeFfmpeg, locateFfmpeg } = await import('../ffmpeg/locate.js');
  try {
    process.stdout.write(`${describeFfmpeg(await locateFfmpeg())}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

/** Runs one command line; resolves to the exit code (dist/bin.cjs sets it). */
export async function main(argv: string[]): Promise<ExitCode> {
  dropOutputToClosedPipes(process.stdout, process.stderr);
  const invocation = readCommandLine(argv);
  switch (invocation.kind) {
    case 'help':
      process.stdout.write(invocation.command === undefined ? GLOBAL_HELP : commandHelp(invocation.command));
      return EXIT.ok;
    case 'version':
      process.stdout.write(`${await readVersion()}\n`);
      // only with --verbose: finding ffmpeg runs it, and plain --version stays instant
      if (invocation.verbose) return printFfmpeg();
      return EXIT.ok;
    case 'usage':
      process.stderr.write(`${invocation.message}\n`);
      return EXIT.usage;
  }
  const { command: name, flags } = invocation;
  if (flags.help) {
    process.stdout.write(commandHelp(name));
    return EXIT.ok;
  }

  // Loaded only when a command runs: --help and --version need none of it (the output, the zod
  // schemas of the JSON lines, interrupts, error rendering), which was most of their start-up time.
  const { runCommand } = await import('./run-command.js');
  return runCommand(name, flags);
}
