/** Commands over the project's upkeep: clean, init and credits. */
import { messageOf, toKieaudioError } from '../errors.js';
import { diagnosticWarning } from '../spec/diagnostics.js';
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';
import { COMMON_HELP, commonOptions, OUTPUT_FLAGS, PROJECT_FLAGS, pick, SELECTION_FLAGS } from './flags.js';

export const PROJECT_COMMANDS = {
  clean: {
    summary:
      'delete orphaned outputs (no longer declared, content unchanged) and temp files of killed builds; --cache also prunes the cache',
    usage: 'kieaudio clean [options]',
    options: { ...PROJECT_FLAGS, cache: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'no-wait': { type: 'boolean' } },
    help: { ...pick('cache', 'dry-run', 'no-wait'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { clean } = await import('../commands/clean.js');
      const result = await clean({
        ...commonOptions(flags),
        cache: flags.cache === true,
        dryRun: flags['dry-run'] === true,
        wait: flags['no-wait'] !== true,
        signal: ctx.signal,
        onEvent: (event) => ctx.output.event(event),
      });
      const { renderClean } = await import('./render-clean.js');
      const dryRun = flags['dry-run'] === true;
      const { removed, keptModified, forgotten, cacheEntriesRemoved, tempFilesRemoved, unansweredForgotten } = result;
      ctx.output.result(renderClean(result, { dryRun, cache: flags.cache === true }), {
        type: 'clean',
        removed,
        keptModified,
        forgotten,
        cacheEntriesRemoved,
        ...(tempFilesRemoved > 0 ? { tempFilesRemoved } : {}),
        ...(unansweredForgotten > 0 ? { unansweredForgotten } : {}),
        dryRun,
      });
      return EXIT.ok;
    },
  },
  init: {
    summary: 'write a starter kieaudio.config.yaml and spec file in the current folder',
    usage: 'kieaudio init',
    options: OUTPUT_FLAGS,
    help: pick('json', 'quiet', 'help'),
    async run(_flags, ctx) {
      const { init } = await import('../commands/init.js');
      const result = await init();
      ctx.output.result(
        `wrote ${result.written.join(', ')}\nnext: kieaudio build --offline   (placeholder audio, no key needed)\n      KIE_API_KEY=… kieaudio build`,
        { type: 'init', written: result.written },
      );
      return EXIT.ok;
    },
  },
  credits: {
    summary: "the kie.ai account's remaining credits, beside the project's estimated cost of a full rebuild and of what is stale",
    usage: 'kieaudio credits [options]',
    options: { ...PROJECT_FLAGS, offline: SELECTION_FLAGS.offline },
    help: { ...pick('offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { credits } = await import('../commands/credits.js');
      const { offline: _, ...common } = commonOptions(flags);
      // the estimate needs the lock and the outputs read; the balance must not depend on them
      const cost = await import('../commands/cost.js')
        .then(({ projectCost }) => projectCost(common))
        .catch((error: unknown) => {
          ctx.output.notice(`no cost estimate: ${messageOf(toKieaudioError(error))}`);
          return undefined;
        });
      const remaining = await credits({
        ...commonOptions(flags),
        signal: ctx.signal,
        onWarning: (w) => ctx.output.event(diagnosticWarning(w)),
      });
      const { renderCredits } = await import('./render-credits.js');
      ctx.output.result(renderCredits(remaining, cost), {
        type: 'credits',
        credits: remaining,
        ...(cost === undefined ? {} : { rebuild: cost.rebuild.total, stale: cost.stale.total, staleAssets: cost.stale.items.length }),
      });
      return EXIT.ok;
    },
  },
} satisfies Record<string, Command>;
