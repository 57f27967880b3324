/** The help texts: `kieaudio --help` and `kieaudio <command> --help`, made from the command table. */
import { COMMANDS, type Command, type CommandName } from './commands.js';

export function commandHelp(name: CommandName): string {
  const command: Command = COMMANDS[name];
  const options = Object.values(command.help).map((line) => `  ${line}`);
  return `${command.usage}\n\n${command.summary}\n\nOptions:\n${options.join('\n')}\n`;
}

export const GLOBAL_HELP = `kieaudio — make for game and app audio

Declare voice lines and sound effects in YAML; kieaudio generates them through the kie.ai API
and regenerates only what changed.

Usage: kieaudio <command> [options]   (options may also come first: kieaudio -q build)

Commands:
${Object.entries(COMMANDS as Record<string, Command>)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "kieaudio <command> --help" for a command's options.
The API key comes only from KIE_API_KEY (or a .env file beside the config).

Exit codes: 0 up to date · 1 some asset failed or is held (maybe charged), or check found a problem · 2 invalid input or usage (nothing sent or written)
            3 --frozen found work to do · 4 over budget (--max-credits): nothing submitted past it · 130 interrupted
`;
