/**
 * The command table: each command's flags, help text, and a `run` that imports its library code
 * only when that command runs (a no-op `kieaudio --version` loads none of it).
 */
import { KieaudioError } from '../errors.js';
import { MAX_CONCURRENCY, type Project } from '../project.js';
import type { Output } from './output.js';

export interface ParsedFlags {
  help?: boolean;
  config?: string;
  concurrency?: string;
  only?: string[];
  force?: boolean;
  regenerate?: boolean;
  frozen?: boolean;
  json?: boolean;
  offline?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  cache?: boolean;
  'dry-run'?: boolean;
  'no-wait'?: boolean;
}

export interface RunContext {
  output: Output;
  signal: AbortSignal;
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  help: Record<string, string>;
  run(flags: ParsedFlags, ctx: RunContext): Promise<number>;
}

const output = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

const project = {
  config: { type: 'string', short: 'c' },
  ...output,
} as const satisfies Record<string, OptionSpec>;

const selection = {
  only: { type: 'string', multiple: true },
  offline: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

const HELP = {
  config: '--config PATH       use this config file instead of finding kieaudio.config.yaml upwards',
  concurrency: '--concurrency N     most tasks in flight at once (default: the config\'s concurrency, 8)',
  only: '--only PATTERN      only assets whose id or out path matches (glob; repeatable)',
  force: '--force             replace outputs that were edited by hand or not made by kieaudio',
  regenerate: '--regenerate        ignore the cache and pay for a new take of the selected assets',
  frozen: '--frozen            change nothing, call nothing: exit 3 if anything is not up to date (for CI)',
  offline: '--offline           use the built-in simulator: placeholder audio, no key, no network, no credits',
  json: '--json              one JSON object per line on stdout (human messages go to stderr)',
  quiet: '--quiet, -q         print only problems and the summary',
  verbose: '--verbose           print every decision and task state',
  help: '--help, -h          show this help',
  cache: '--cache             also delete cache entries no asset or lock entry uses',
  'dry-run': '--dry-run           say what would be deleted, delete nothing',
  'no-wait': '--no-wait           fail at once (exit 1) if another build is running in this project, instead of waiting',
} as const;

function pick(...keys: (keyof typeof HELP)[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, HELP[k]]));
}

const COMMON_HELP = pick('config', 'json', 'quiet', 'verbose', 'help');

export const COMMANDS = {
  build: {
    summary: 'bring every asset up to date: generate what is new or changed, restore what is cached',
    usage: 'kieaudio build [options]',
    options: {
      ...project,
      ...selection,
      concurrency: { type: 'string' },
      force: { type: 'boolean' },
      regenerate: { type: 'boolean' },
      frozen: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
    },
    help: { ...pick('only', 'concurrency', 'force', 'regenerate', 'frozen', 'offline', 'no-wait'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { build } = await import('../build.js');
      const result = await build({
        ...commonOptions(flags),
        concurrency: parseConcurrency(flags.concurrency),
        force: flags.force === true,
        regenerate: flags.regenerate === true,
        frozen: flags.frozen === true,
        wait: flags['no-wait'] !== true,
        signal: ctx.signal,
        onEvent: (event) => ctx.output.event(event),
      });
      if (flags.frozen && result.stale.length > 0) {
        const lines = result.stale.map((i) => `  ${i.asset.out}  ${i.reason}`);
        ctx.output.error(`--frozen: ${result.stale.length} asset${result.stale.length === 1 ? ' is' : 's are'} not up to date:\n${lines.join('\n')}`, {
          code: 'E_FROZEN',
          stale: result.stale.map((i) => ({ asset: i.asset.id, out: i.asset.out, action: i.action.type, reason: i.reason })),
        });
        return 3;
      }
      return result.failures.length > 0 ? 1 : 0;
    },
  },
  plan: {
    summary: 'show what build would do for each asset and why; no API calls, no writes',
    usage: 'kieaudio plan [options]',
    options: { ...project, ...selection, force: { type: 'boolean' }, regenerate: { type: 'boolean' } },
    help: { ...pick('only', 'force', 'regenerate', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { plan } = await import('../inspect.js');
      const { project, plan: p } = await plan({ ...commonOptions(flags), force: flags.force === true, regenerate: flags.regenerate === true });
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
      return 0;
    },
  },
  status: {
    summary: "each asset's state: up to date, stale, missing, modified by hand, orphaned",
    usage: 'kieaudio status [options]',
    options: { ...project, ...selection },
    help: { ...pick('only', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { status } = await import('../inspect.js');
      const result = await status(commonOptions(flags));
      reportWarnings(result.project, ctx);
      const { renderStatus } = await import('./render-plan.js');
      const text = ctx.output.json ? '' : renderStatus(result, { color: ctx.output.color, verbose: ctx.output.verbose });
      ctx.output.result(text, [
        ...result.assets.map((a) => ({ type: 'status' as const, asset: a.id, out: a.out, status: a.status, reason: a.reason })),
        ...result.orphans.map((o) => ({ type: 'status' as const, out: o.out, status: 'orphaned' as const, intact: o.intact })),
      ]);
      return 0;
    },
  },
  watch: {
    summary: 'build, then rebuild what changed whenever the config or a spec file changes; Ctrl-C stops',
    usage: 'kieaudio watch [options]',
    options: { ...project, ...selection, concurrency: { type: 'string' } },
    help: { ...pick('only', 'concurrency', 'offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { watch } = await import('../watch.js');
      const watcher = await watch({
        ...commonOptions(flags),
        concurrency: parseConcurrency(flags.concurrency),
        signal: ctx.signal,
        onEvent: (event) => ctx.output.event(event),
      });
      // Only Ctrl-C (or SIGTERM, SIGHUP) ends a watch: an interruption, whatever state the last build left.
      await watcher.closed;
      ctx.output.notice('stopped watching');
      return 130;
    },
  },
  clean: {
    summary: 'delete orphaned outputs (no longer declared, content unchanged) and temp files of killed builds; --cache also prunes the cache',
    usage: 'kieaudio clean [options]',
    options: { ...project, cache: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
    help: { ...pick('cache', 'dry-run'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { clean } = await import('../clean.js');
      const result = await clean({ ...commonOptions(flags), cache: flags.cache === true, dryRun: flags['dry-run'] === true });
      const verb = flags['dry-run'] ? 'would remove' : 'removed';
      const lines = [
        ...result.removed.map((out) => `${verb}  ${out}`),
        ...result.keptModified.map((out) => `kept     ${out}  (edited since kieaudio wrote it)`),
        ...result.forgotten.map((out) => `${flags['dry-run'] ? 'would forget' : 'forgot'}   ${out}  (already deleted)`),
      ];
      if (flags.cache) lines.push(`${verb} ${result.cacheEntriesRemoved} unused cache entr${result.cacheEntriesRemoved === 1 ? 'y' : 'ies'}`);
      const temps = result.tempFilesRemoved;
      if (temps > 0) lines.push(`${verb} ${temps} temp file${temps === 1 ? '' : 's'} left by interrupted builds`);
      if (lines.length === 0) lines.push('nothing to clean');
      const { removed, keptModified, forgotten, cacheEntriesRemoved, tempFilesRemoved } = result;
      ctx.output.result(lines.join('\n'), {
        type: 'clean',
        removed,
        keptModified,
        forgotten,
        cacheEntriesRemoved,
        ...(tempFilesRemoved > 0 ? { tempFilesRemoved } : {}),
        dryRun: flags['dry-run'] === true,
      });
      return 0;
    },
  },
  init: {
    summary: 'write a starter kieaudio.config.yaml and spec file in the current folder',
    usage: 'kieaudio init',
    options: output,
    help: pick('json', 'quiet', 'help'),
    async run(_flags, ctx) {
      const { init } = await import('../init.js');
      const result = await init();
      ctx.output.result(
        `wrote ${result.written.join(', ')}\nnext: kieaudio build --offline   (placeholder audio, no key needed)\n      KIE_API_KEY=… kieaudio build`,
        { type: 'init', written: result.written },
      );
      return 0;
    },
  },
  credits: {
    summary: "the kie.ai account's remaining credits",
    usage: 'kieaudio credits [options]',
    options: { ...project, offline: selection.offline },
    help: { ...pick('offline'), ...COMMON_HELP },
    async run(flags, ctx) {
      const { credits } = await import('../credits.js');
      const remaining = await credits({ ...commonOptions(flags), signal: ctx.signal });
      ctx.output.result(`${remaining} credits`, { type: 'credits', credits: remaining });
      return 0;
    },
  },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

/** Warnings found while loading (a long effect text, an unknown model…): seen before paying. */
function reportWarnings(project: Project, ctx: RunContext): void {
  for (const w of project.warnings) {
    ctx.output.event({ type: 'warning', code: w.code, message: w.message, file: w.file, line: w.line, col: w.col, ...(w.asset ? { asset: w.asset } : {}) });
  }
}

function commonOptions(flags: ParsedFlags) {
  return {
    ...(flags.config !== undefined ? { configPath: flags.config } : {}),
    ...(flags.only !== undefined ? { only: flags.only } : {}),
    offline: flags.offline === true,
  };
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new KieaudioError('E_USAGE', `--concurrency expects a whole number from 1 to ${MAX_CONCURRENCY}, found "${value}"`);
  }
  return n;
}

export function commandHelp(name: CommandName): string {
  const command: Command = COMMANDS[name];
  const options = Object.values(command.help).map((line) => `  ${line}`);
  return `${command.usage}\n\n${command.summary}\n\nOptions:\n${options.join('\n')}\n`;
}

export const GLOBAL_HELP = `kieaudio — make for game and app audio

Declare voice lines and sound effects in YAML; kieaudio generates them through the kie.ai API
and regenerates only what changed.

Usage: kieaudio <command> [options]

Commands:
${Object.entries(COMMANDS as Record<string, Command>)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "kieaudio <command> --help" for a command's options.
The API key comes only from KIE_API_KEY (or a .env file beside the config).

Exit codes: 0 up to date · 1 some asset failed · 2 invalid input or usage (nothing sent or written)
            3 --frozen found work to do · 130 interrupted
`;
