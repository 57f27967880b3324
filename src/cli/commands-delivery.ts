/** Commands over what a build delivers: report. */
import { relative } from 'node:path';
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';
import { COMMON_HELP, PROJECT_FLAGS } from './flags.js';

export const DELIVERY_COMMANDS = {
  report: {
    summary: 'write the review page: every output with its player, text, speaker, status, waveform and takes (works from file://)',
    usage: 'kieaudio report [--out DIR] [--open] [options]',
    options: { ...PROJECT_FLAGS, out: { type: 'string' }, open: { type: 'boolean' } },
    help: {
      out: "--out DIR           write the page here (default: the config's report.out, else .kieaudio/report)",
      open: '--open              open the page in the default browser',
      ...COMMON_HELP,
    },
    async run(flags, ctx) {
      const { report } = await import('../commands/report.js');
      const result = await report({
        ...(flags.config !== undefined ? { configPath: flags.config } : {}),
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        signal: ctx.signal,
      });
      const page = relative(process.cwd(), result.page) || result.page;
      ctx.output.result(`wrote ${page} (${result.rows} output${result.rows === 1 ? '' : 's'})`, {
        type: 'report',
        page,
        rows: result.rows,
      });
      if (flags.open === true) {
        const { openPage } = await import('../commands/open-page.js');
        openPage(result.page);
      }
      return EXIT.ok;
    },
  },
} satisfies Record<string, Command>;
