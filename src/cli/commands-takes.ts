/** Commands over an asset's takes: takes, pin and unpin. */
import type { WatchEvent } from '../events.js';
import type { Command, RunContext } from './command.js';
import { EXIT } from './exit-codes.js';
import { COMMON_HELP, commonOptions, DECISION_FLAGS, type ParsedFlags, PROJECT_FLAGS, parseTake, pick } from './flags.js';

export const TAKE_COMMANDS = {
  takes: {
    summary: "list an asset's takes (every paid generation of its spec): date, task, credits, current, pinned",
    usage: 'kieaudio takes ID [options]',
    args: ['ID'],
    options: PROJECT_FLAGS,
    help: COMMON_HELP,
    async run(flags, ctx) {
      const { takes } = await import('../commands/takes.js');
      const [id = ''] = flags.args ?? [];
      const result = await takes({ ...commonOptions(flags), id });
      const { renderTakes, takesLine } = await import('./render-takes.js');
      ctx.output.result(renderTakes(result), takesLine(result));
      return EXIT.ok;
    },
  },
  pin: {
    summary: "install one of an asset's takes at its out path and pin it: builds keep it while the spec is unchanged",
    usage: 'kieaudio pin ID TAKE [options]',
    args: ['ID', 'TAKE'],
    options: { ...PROJECT_FLAGS, force: DECISION_FLAGS.force, 'no-wait': { type: 'boolean' } },
    help: { ...pick('force-take', 'no-wait'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { pin } = await import('../commands/pin.js');
      const [id = '', take = ''] = flags.args ?? [];
      const result = await pin({ ...commonOptions(flags), ...pinOptions(flags, ctx), id, take: parseTake(take) });
      ctx.output.result(`pinned take ${result.take} of ${result.asset} (${result.out})`, { type: 'pin', ...result });
      return EXIT.ok;
    },
  },
  unpin: {
    summary: "drop an asset's pin and install its newest take",
    usage: 'kieaudio unpin ID [options]',
    args: ['ID'],
    options: { ...PROJECT_FLAGS, force: DECISION_FLAGS.force, 'no-wait': { type: 'boolean' } },
    help: { ...pick('force-take', 'no-wait'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { unpin } = await import('../commands/pin.js');
      const [id = ''] = flags.args ?? [];
      const result = await unpin({ ...commonOptions(flags), ...pinOptions(flags, ctx), id });
      const at = result.take === undefined ? '' : `; take ${result.take} is at ${result.out}`;
      const text =
        result.released === undefined ? `${result.asset} was not pinned${at}` : `unpinned take ${result.released} of ${result.asset}${at}`;
      ctx.output.result(text, { type: 'unpin', ...result });
      return EXIT.ok;
    },
  },
} satisfies Record<string, Command>;
function pinOptions(flags: ParsedFlags, ctx: RunContext) {
  return {
    force: flags.force === true,
    wait: flags['no-wait'] !== true,
    signal: ctx.signal,
    onEvent: (event: WatchEvent) => ctx.output.event(event),
  };
}
