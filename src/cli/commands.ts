/**
 * The command table: each command's flags, help text, and a `run` that imports its library code
 * only when that command runs (a no-op `kieaudio --version` loads none of it). Commands are grouped
 * in one file per area; the order here is the order `kieaudio --help` lists them.
 */
import { BUILD_COMMANDS } from './commands-build.js';
import { DELIVERY_COMMANDS } from './commands-delivery.js';
import { PROJECT_COMMANDS } from './commands-project.js';
import { STRINGS_COMMANDS } from './commands-strings.js';
import { TAKE_COMMANDS } from './commands-takes.js';

export type { Command, ParsedFlags, RunContext } from './command.js';

export const COMMANDS = { ...BUILD_COMMANDS, ...PROJECT_COMMANDS, ...TAKE_COMMANDS, ...DELIVERY_COMMANDS, ...STRINGS_COMMANDS };

export type CommandName = keyof typeof COMMANDS;
