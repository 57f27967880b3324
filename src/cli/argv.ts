/**
 * The command line as words: which command, and its flags. Flags may come before the command as
 * well as after it (`kieaudio -q build`, `kieaudio --config x.yaml status`), as with git or npm,
 * and either way they are checked against that command's own flags. A typo is a short usage error
 * that names what was probably meant (`kieaudio biuld` → did you mean "build"?), not the whole help.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggest } from '../spec/suggest.js';
import { COMMANDS, type Command, type CommandName, type ParsedFlags } from './commands.js';
import type { OptionSpec } from './flags.js';

export type Invocation =
  | { kind: 'help'; command?: CommandName }
  /** `verbose`: also which ffmpeg post-processing runs, and its version */
  | { kind: 'version'; verbose: boolean }
  | { kind: 'run'; command: CommandName; flags: ParsedFlags }
  /** `message` is one line or two, for stderr; the exit code is 2 */
  | { kind: 'usage'; message: string };

const NAMES = Object.keys(COMMANDS) as CommandName[];
const COMMAND_LIST = 'Run "kieaudio --help" for the list of commands.';

/** Every command's flags, and --version: what may stand before the command. */
const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign(
  { version: { type: 'boolean', short: 'v' } },
  ...NAMES.map((name) => COMMANDS[name].options),
);

export function readCommandLine(argv: readonly string[]): Invocation {
  // strict: false reads unknown flags as booleans, so the command is still found after a typo
  const { tokens } = parseArgs({ args: [...argv], options: asConfig(ALL_OPTIONS), strict: false, allowPositionals: true, tokens: true });
  const at = tokens.find((t) => t.kind !== 'option');
  const end = at === undefined ? argv.length : at.index;
  const before = tokens.filter((t) => t.kind === 'option' && t.index < end);
  const unknown = before.find((t) => t.kind === 'option' && !Object.hasOwn(ALL_OPTIONS, t.name));
  if (unknown?.kind === 'option') {
    return { kind: 'usage', message: `kieaudio: ${unknownOption(unknown.rawName, Object.keys(ALL_OPTIONS))}\n${COMMAND_LIST}` };
  }
  const named = (name: string) => before.some((t) => t.kind === 'option' && t.name === name);
  if (named('version')) return { kind: 'version', verbose: named('verbose') };

  const word = at?.kind === 'positional' ? at.value : argv[end];
  if (word === undefined) {
    if (argv.length === 0 || named('help')) return { kind: 'help' };
    return { kind: 'usage', message: `kieaudio: expected a command after the options (${NAMES.join(', ')})\n${COMMAND_LIST}` };
  }
  if (word === 'help') {
    const topic = argv[end + 1];
    if (topic === undefined) return { kind: 'help' };
    return isCommand(topic) ? { kind: 'help', command: topic } : { kind: 'usage', message: unknownCommand(topic) };
  }
  if (!isCommand(word)) return { kind: 'usage', message: unknownCommand(word) };
  return readFlags(word, [...argv.slice(0, end), ...argv.slice(end + 1)]);
}

/** `a`, `a and b`, `a, b and c` */
function listOf(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function isCommand(word: string): word is CommandName {
  return Object.hasOwn(COMMANDS, word);
}

function unknownCommand(word: string): string {
  const meant = suggest(word, NAMES);
  const hint = meant === undefined ? `; the commands are ${NAMES.join(', ')}` : ` (did you mean "${meant}"?)`;
  return `kieaudio: unknown command "${word}"${hint}\n${COMMAND_LIST}`;
}

/** The command's flags, wherever they stood, or a usage error. */
function readFlags(command: CommandName, args: string[]): Invocation {
  const options: Record<string, OptionSpec> = COMMANDS[command].options;
  const usage = (message: string): Invocation => ({
    kind: 'usage',
    message: `kieaudio ${command}: ${message}\nRun "kieaudio ${command} --help" for its options.`,
  });
  const { tokens } = parseArgs({ args, options: asConfig(options), strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.hasOwn(options, token.name)) continue;
    const takers = NAMES.filter((name) => Object.hasOwn(COMMANDS[name].options, token.name));
    if (takers.length === 0) return usage(unknownOption(token.rawName, Object.keys(options)));
    return usage(`${token.rawName} is not an option of ${command} (${listOf(takers)} take${takers.length === 1 ? 's' : ''} it)`);
  }
  const spec: Command = COMMANDS[command];
  const names = spec.args ?? [];
  try {
    const parsed = parseArgs({ args, options: asConfig(options), allowPositionals: names.length > 0, strict: true });
    const values = parsed.values as ParsedFlags;
    const { positionals } = parsed;
    if (positionals.length !== names.length && values.help !== true) {
      const found = positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ');
      return usage(`expected ${names.join(' ')}, found ${found}`);
    }
    return { kind: 'run', command, flags: { ...values, ...(names.length > 0 ? { args: positionals } : {}) } };
  } catch (error) {
    return usage((error as Error).message);
  }
}

function unknownOption(raw: string, names: readonly string[]): string {
  const meant = raw.startsWith('--') ? suggest(raw.slice(2).split('=')[0] ?? '', names) : undefined;
  return `unknown option ${raw}${meant === undefined ? '' : ` (did you mean --${meant}?)`}`;
}

function asConfig(options: Record<string, OptionSpec>): ParseArgsConfig['options'] {
  return options as ParseArgsConfig['options'];
}
