/**
 * The command table: each command's flags, help text, and a `run` that imports its library code
 * only when that command runs (a no-op `kieaudio --version` loads none of it).
 */
import type { WatchEvent } from '../events.js';
import type { Project } from '../project.js';
import { diagnosticWarning } from '../spec/diagnostics.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import {
  COMMON_HELP,
  commonOptions,
  DECISION_FLAGS,
  decisionOptions,
  type OptionSpec,
  OUTPUT_FLAGS,
  type ParsedFlags,
  PROJECT_FLAGS,
  parseConcurrency,
  parseTake,
  pick,
  SELECTION_FLAGS,
} from './flags.js';
import type { Output } from './output.js';

export type { ParsedFlags } from './flags.js';

export interface RunContext {
  output: Output;
  signal: AbortSignal;
}

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  help: Record<string, string>;
  /** the positional arguments it takes, named as its usage names them */
  args?: readonly string[];
  run(flags: ParsedFlags, ctx: RunContext): Promise<ExitCode>;
}

export const COMMANDS = {
  build: {
    summary: 'bring every asset up to date: generate what is new or changed, restore what is cached',
    usage: 'kieaudio build [options]',
    options: {
      ...PROJECT_FLAGS,
      ...SELECTION_FLAGS,
      ...DECISION_FLAGS,
      concurrency: { type: 'string' },
      frozen: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
    },
    help: { ...pick('only', 'concurrency', 'force', 'regenerate', 'resend-unanswered', 'frozen', 'offline', 'no-wait'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { build } = await import('../build/build.js');
      const result = await build({
        ...commonOptions(flags),
        ...decisionOptions(flags),
        concurrency: parseConcurrency(flags.concurrency),
        frozen: flags.frozen === true,
        wait: flags['no-wait'] !== true,
        signal: ctx.signal,
        onEvent: (event) => ctx.output.event(event),
      });
      if (flags.frozen && result.stale.length > 0) {
        const lines = result.stale.map((i) => `  ${i.asset.out}  ${i.reason}`);
        ctx.output.error(
          `--frozen: ${result.stale.length} asset${result.stale.length === 1 ? ' is' : 's are'} not up to date:\n${lines.join('\n')}`,
          {
            code: 'E_FROZEN',
            stale: result.stale.map((i) => ({ asset: i.asset.id, out: i.asset.out, action: i.action.type, reason: i.reason })),
          },
        );
        return EXIT.frozen;
      }
      // a held asset is one the build could not make without risking a second payment
      return result.failures.length > 0 || result.summary.held > 0 ? EXIT.failed : EXIT.ok;
    },
  },
  plan: {
    summary: 'show what build would do for each asset and why; no API calls, no writes',
    usage: 'kieaudio plan [options]',
    options: { ...PROJECT_FLAGS, ...SELECTION_FLAGS, ...DECISION_FLAGS },
    help: { ...pick('only', 'force', 'regenerate', 'resend-unanswered', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { plan } = await import('../commands/plan.js');
      const { project, plan: p } = await plan({ ...commonOptions(flags), ...decisionOptions(flags) });
      reportWarnings(project, ctx);
      const { renderPlan } = await import('./render-plan.js');
      const text = ctx.output.json ? '' : renderPlan(p, { color: ctx.output.color, verbose: ctx.output.verbose });
      ctx.output.result(text, [
        ...p.items.map(({ asset, action, reason }) => ({
          type: 'planned' as const,
          asset: asset.id,
          out: asset.out,
          action: action.type,
          reason,
          file: asset.source.file,
          line: asset.source.line,
          col: asset.source.col,
        })),
        ...p.orphans.map((o) => ({ type: 'orphan' as const, out: o.out, intact: o.intact, exists: o.exists })),
      ]);
      return EXIT.ok;
    },
  },
  status: {
    summary: "each asset's state: up to date, stale, missing, modified by hand, orphaned",
    usage: 'kieaudio status [options]',
    options: { ...PROJECT_FLAGS, ...SELECTION_FLAGS },
    help: { ...pick('only', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { status } = await import('../commands/status.js');
      const result = await status(commonOptions(flags));
      reportWarnings(result.project, ctx);
      const { renderStatus } = await import('./render-plan.js');
      const text = ctx.output.json ? '' : renderStatus(result, { color: ctx.output.color, verbose: ctx.output.verbose });
      ctx.output.result(text, [
        ...result.assets.map((a) => ({ type: 'status' as const, asset: a.id, out: a.out, status: a.status, reason: a.reason })),
        ...result.orphans.map((o) => ({ type: 'status' as const, out: o.out, status: 'orphaned' as const, intact: o.intact })),
        ...result.unansweredElsewhere.map((u) => ({
          type: 'status' as const,
          out: u.out,
          status: 'maybe charged' as const,
          reason: u.reason,
        })),
      ]);
      return EXIT.ok;
    },
  },
  check: {
    summary:
      'the quality gate: measure the files at out (silent, clipped, edge silence, too long, off target, speech rate); exit 1 with a list',
    usage: 'kieaudio check [options]',
    options: { ...PROJECT_FLAGS, only: SELECTION_FLAGS.only, concurrency: { type: 'string' } },
    help: { ...pick('only', 'concurrency-ffmpeg'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { check } = await import('../commands/check.js');
      const { offline: _, ...common } = commonOptions(flags);
      const concurrency = parseConcurrency(flags.concurrency);
      const result = await check({ ...common, ...(concurrency === undefined ? {} : { concurrency }), signal: ctx.signal });
      reportWarnings(result.project, ctx);
      const { renderCheck, checkLines } = await import('./render-check.js');
      const text = ctx.output.json
        ? ''
        : renderCheck(result, { color: ctx.output.color, quiet: ctx.output.quiet, verbose: ctx.output.verbose });
      ctx.output.result(text, checkLines(result));
      return result.failed > 0 ? EXIT.failed : EXIT.ok;
    },
  },
  watch: {
    summary: 'build, then rebuild what changed whenever the config or a spec file changes; Ctrl-C stops',
    usage: 'kieaudio watch [options]',
    options: { ...PROJECT_FLAGS, ...SELECTION_FLAGS, concurrency: { type: 'string' } },
    help: { ...pick('only', 'concurrency', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { watch } = await import('../watch/watch.js');
      const watcher = await watch({
        ...commonOptions(flags),
        concurrency: parseConcurrency(flags.concurrency),
        signal: ctx.signal,
        onEvent: (event) => ctx.output.event(event),
      });
      // Only Ctrl-C (or SIGTERM, SIGHUP) ends a watch: an interruption, whatever state the last build left.
      await watcher.closed;
      ctx.output.notice('stopped watching');
      return EXIT.interrupted;
    },
  },
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
    summary: "the kie.ai account's remaining credits",
    usage: 'kieaudio credits [options]',
    options: { ...PROJECT_FLAGS, offline: SELECTION_FLAGS.offline },
    help: { ...pick('offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { credits } = await import('../commands/credits.js');
      const remaining = await credits({
        ...commonOptions(flags),
        signal: ctx.signal,
        onWarning: (w) => ctx.output.event(diagnosticWarning(w)),
      });
      ctx.output.result(`${remaining} credits`, { type: 'credits', credits: remaining });
      return EXIT.ok;
    },
  },
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

export type CommandName = keyof typeof COMMANDS;

/** Warnings found while loading (a long effect text, an unknown model…): seen before paying. */
function reportWarnings(project: Project, ctx: RunContext): void {
  for (const w of project.warnings) ctx.output.event(diagnosticWarning(w));
}
