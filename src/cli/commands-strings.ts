/** Commands over the translators' strings: export strings. */
import { KieaudioError } from '../errors.js';
import { diagnosticWarning } from '../spec/diagnostics.js';
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';
import { COMMON_HELP, commonOptions, PROJECT_FLAGS } from './flags.js';

export const STRINGS_COMMANDS = {
  export: {
    summary: "export strings: write the translators' CSV (id, speaker, notes, source text, each language's text and lock), sorted by id",
    usage: 'kieaudio export strings [--out FILE] [options]',
    args: ['WHAT'],
    options: { ...PROJECT_FLAGS, out: { type: 'string' } },
    help: { out: '--out FILE          write the CSV to FILE (its folder is made) instead of stdout', ...COMMON_HELP },
    async run(flags, ctx) {
      const [what = ''] = flags.args ?? [];
      if (what !== 'strings')
        throw new KieaudioError('E_USAGE', `kieaudio export: expected "strings" (the one thing it exports), found ${JSON.stringify(what)}`);
      const { exportStrings } = await import('../commands/export-strings.js');
      const out = flags.out;
      const { offline: _, ...common } = commonOptions(flags);
      const result = await exportStrings({
        ...common,
        ...(out === undefined ? {} : { out }),
        onWarning: (w) => ctx.output.event(diagnosticWarning(w)),
      });
      const line = { type: 'export' as const, what: 'strings' as const, rows: result.rows };
      if (out === undefined) {
        // the CSV itself is the result: as it is on stdout, or inside the JSON line with --json
        if (ctx.output.json) ctx.output.result('', { ...line, csv: result.csv });
        else ctx.output.document(result.csv);
      } else {
        ctx.output.result(`wrote ${result.rows} line${result.rows === 1 ? '' : 's'} to ${out}`, { ...line, out });
      }
      return EXIT.ok;
    },
  },
} satisfies Record<string, Command>;
