/** Commands over the build: build, plan, status, check and watch. */
import { relative } from 'node:path';
import type { BuildResult } from '../build/build.js';
import type { BuildEvent } from '../events.js';
import type { Project } from '../project.js';
import { diagnosticWarning } from '../spec/diagnostics.js';
import type { Command, RunContext } from './command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import {
  COMMON_HELP,
  commonOptions,
  DECISION_FLAGS,
  decisionOptions,
  PROJECT_FLAGS,
  parseConcurrency,
  parseMaxCredits,
  pick,
  SELECTION_FLAGS,
} from './flags.js';

export const BUILD_COMMANDS = {
  build: {
    summary: 'bring every asset up to date: generate what is new or changed, restore what is cached',
    usage: 'kieaudio build [options]',
    options: {
      ...PROJECT_FLAGS,
      ...SELECTION_FLAGS,
      ...DECISION_FLAGS,
      concurrency: { type: 'string' },
      'max-credits': { type: 'string' },
      frozen: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      'remote-cache-read-only': { type: 'boolean' },
    },
    help: {
      ...pick(
        'only',
        'concurrency',
        'max-credits',
        'force',
        'regenerate',
        'resend-unanswered',
        'frozen',
        'offline',
        'no-wait',
        'remote-cache-read-only',
      ),
      ...COMMON_HELP,
    },
    async run(flags, ctx) {
      const options = {
        ...commonOptions(flags),
        ...decisionOptions(flags),
        concurrency: parseConcurrency(flags.concurrency),
        ...maxCreditsOption(flags['max-credits']),
        frozen: flags.frozen === true,
        wait: flags['no-wait'] !== true,
        remoteCacheReadOnly: flags['remote-cache-read-only'] === true,
        signal: ctx.signal,
        onEvent: (event: BuildEvent) => ctx.output.event(event),
      };
      // nothing changed since a build found everything up to date: say so without loading the project
      const { replayUpToDate } = await import('../build/up-to-date.js');
      if ((await replayUpToDate(options)) !== undefined) return EXIT.ok;
      const { build } = await import('../build/build.js');
      const result = await build(options);
      if (flags.frozen && result.stale.length + result.staleScenes.length + result.staleManifests.length > 0) {
        reportFrozen(result, ctx);
        return EXIT.frozen;
      }
      return buildExitCode(result);
    },
  },
  plan: {
    summary: 'show what build would do for each asset and why; no API calls, no writes',
    usage: 'kieaudio plan [options]',
    options: { ...PROJECT_FLAGS, ...SELECTION_FLAGS, ...DECISION_FLAGS, 'max-credits': { type: 'string' } },
    help: { ...pick('only', 'max-credits-plan', 'force', 'regenerate', 'resend-unanswered', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { plan } = await import('../commands/plan.js');
      const result = await plan({ ...commonOptions(flags), ...decisionOptions(flags), ...maxCreditsOption(flags['max-credits']) });
      reportWarnings(result.project, ctx);
      if (result.teamCacheUnreadable !== undefined) {
        const message = `the team cache could not be asked: ${result.teamCacheUnreadable}`;
        ctx.output.event({ type: 'warning', code: 'W_REMOTE_CACHE', message });
      }
      const { renderPlan, planLines } = await import('./render-plan.js');
      const text = ctx.output.json ? '' : renderPlan(result.plan, { color: ctx.output.color, verbose: ctx.output.verbose }, result);
      ctx.output.result(text, planLines(result));
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
        ...[...result.orphans, ...result.sceneOrphans].map((o) => ({
          type: 'status' as const,
          out: o.out,
          status: 'orphaned' as const,
          intact: o.intact,
        })),
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
      'the quality gate: measure the files at out, scene files too (silent, clipped, edge silence, too long, off target, speech rate); exit 1 with a list',
    usage: 'kieaudio check [options]',
    options: { ...PROJECT_FLAGS, only: SELECTION_FLAGS.only, concurrency: { type: 'string' } },
    help: { ...pick('only-check', 'concurrency-ffmpeg'), ...COMMON_HELP },
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
} satisfies Record<string, Command>;

/**
 * A finished build's exit code: 1 when an asset failed or is held (one the build could not make
 * without risking a second payment), else 4 when the budget stopped submissions (what was left is
 * reported, and a rerun with a bigger budget finishes it), else 0.
 */
export function buildExitCode(result: Pick<BuildResult, 'failures' | 'summary'>): ExitCode {
  const failed = result.failures.filter((f) => f.code !== 'E_BUDGET');
  if (failed.length > 0 || result.summary.held > 0) return EXIT.failed;
  return failed.length < result.failures.length ? EXIT.budget : EXIT.ok;
}

function maxCreditsOption(value: string | undefined): { maxCredits?: number } {
  const maxCredits = parseMaxCredits(value);
  return maxCredits === undefined ? {} : { maxCredits };
}

/** What `build --frozen` found not up to date: assets, scene files, then manifest files. */
function reportFrozen(result: BuildResult, ctx: RunContext): void {
  const manifests = result.staleManifests.map((path) => relative(process.cwd(), path) || path);
  const lines = [
    ...result.stale.map((i) => `  ${i.asset.out}  ${i.reason}`),
    ...result.staleScenes.map((s) => `  ${s.scene.out}  scene ${s.scene.id}: ${s.reason}`),
    ...manifests.map((path) => `  ${path}  manifest missing or out of date`),
  ];
  const n = lines.length;
  const what =
    manifests.length === n
      ? `manifest file${n === 1 ? ' is' : 's are'}`
      : manifests.length > 0
        ? 'outputs are'
        : `asset${n === 1 ? ' is' : 's are'}`;
  ctx.output.error(`--frozen: ${n} ${what} not up to date:\n${lines.join('\n')}`, {
    code: 'E_FROZEN',
    stale: [
      ...result.stale.map((i) => ({ asset: i.asset.id, out: i.asset.out, action: i.action.type, reason: i.reason })),
      ...result.staleScenes.map((s) => ({ asset: s.scene.id, out: s.scene.out, action: 'scene', reason: s.reason })),
    ],
    ...(manifests.length > 0 ? { manifests } : {}),
  });
}

/** Warnings found while loading (a long effect text, an unknown model…): seen before paying. */
function reportWarnings(project: Project, ctx: RunContext): void {
  for (const w of project.warnings) ctx.output.event(diagnosticWarning(w));
}
