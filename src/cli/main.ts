/**
 * The command line: argv → a library call → output and an exit code. This is the only place that
 * prints errors and the only place that decides the process's exit code.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KieaudioError, ValidationError } from '../errors.js';
import type { Output } from './output.js';
import { renderDiagnostics } from './diagnostics.js';
import { escapeControl } from './escape.js';
import { COMMANDS, type CommandName, type ParsedFlags } from './commands.js';
import { GLOBAL_HELP, commandHelp } from './help.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { readVersion } from './version.js';
import { removeLiveTempFilesSync } from '../store/atomic-write.js';

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

/** Runs one command line; resolves to the exit code (dist/bin.cjs sets it). */
export async function main(argv: string[]): Promise<ExitCode> {
  dropOutputToClosedPipes(process.stdout, process.stderr);
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    process.stdout.write(topic && topic in COMMANDS ? commandHelp(topic as CommandName) : GLOBAL_HELP);
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${await readVersion()}\n`);
    return EXIT.ok;
  }
  if (!(first in COMMANDS)) {
    process.stderr.write(`kieaudio: unknown command "${first}"\n\n${GLOBAL_HELP}`);
    return EXIT.usage;
  }
  const name = first as CommandName;
  const command = COMMANDS[name];

  let flags: ParsedFlags;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options as ParseArgsConfig['options'],
      allowPositionals: false,
      strict: true,
    });
    flags = values as ParsedFlags;
    void positionals;
  } catch (error) {
    process.stderr.write(`kieaudio ${name}: ${(error as Error).message}\n\nRun "kieaudio ${name} --help" for usage.\n`);
    return EXIT.usage;
  }
  if (flags.help) {
    process.stdout.write(commandHelp(name));
    return EXIT.ok;
  }

  // Loaded only when a command runs: --help and --version need neither it nor the zod schemas of
  // the JSON lines it imports, which were most of their start-up time.
  const { createOutput } = await import('./output.js');
  const output = createOutput({
    json: flags.json === true,
    quiet: flags.quiet === true,
    verbose: flags.verbose === true,
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });

  // First Ctrl-C: stop starting work, let what is in flight settle, keep the journal.
  // Second: leave at once (every file at `out` is still whole: outputs are only ever renamed in).
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      output.notice('stopping: no new tasks; tasks in flight stay in the journal for the next build (Ctrl-C again to quit at once)');
      controller.abort(new KieaudioError('E_ABORTED', 'interrupted'));
    } else {
      // Outputs are only ever renamed into place, so none is half-written; temp files go too.
      removeLiveTempFilesSync();
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // a closed terminal: stop as for Ctrl-C rather than die mid-write, leaving the lock behind
  process.on('SIGHUP', onSignal);

  try {
    return await command.run(flags, { output, signal: controller.signal });
  } catch (error) {
    return renderError(error, output, controller.signal.aborted);
  } finally {
    output.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

function renderError(error: unknown, output: Output, interrupted: boolean): ExitCode {
  if (error instanceof ValidationError) {
    output.error(renderDiagnostics(error.diagnostics, output.color), { code: error.code, diagnostics: error.diagnostics });
    return EXIT.usage;
  }
  if (error instanceof KieaudioError) {
    if (error.code === 'E_ABORTED' || interrupted) {
      output.error('interrupted: finished work is kept; tasks in flight resume on the next build', { code: 'E_ABORTED' });
      return EXIT.interrupted;
    }
    output.error(`error: ${escapeControl(error.message, { keepNewlines: true })}`, { code: error.code });
    switch (error.code) {
      case 'E_USAGE':
      case 'E_CONFIG_NOT_FOUND':
      case 'E_NO_MATCH':
      case 'E_NO_API_KEY':
        return EXIT.usage;
      default:
        return EXIT.failed;
    }
  }
  if (interrupted) return EXIT.interrupted;
  output.error(`internal error: ${(error as Error).stack ?? String(error)}`, { code: 'E_INTERNAL' });
  return EXIT.failed;
}

