/**
 * The command line's flags: their parse specs (node:util parseArgs), their help lines, and how
 * they turn into library options. Shared by every command in the table (commands.ts).
 */
import { KieaudioError } from '../errors.js';
import { MAX_CONCURRENCY } from '../project.js';

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
  'resend-unanswered'?: boolean;
  'max-credits'?: string;
  /** `report --out DIR`, `export strings --out FILE` */
  out?: string;
  /** `report --open` */
  open?: boolean;
  'remote-cache-read-only'?: boolean;
  /** the command's positional arguments (`takes ID`, `pin ID TAKE`), as many as it declares */
  args?: string[];
}

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

export const OUTPUT_FLAGS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

export const PROJECT_FLAGS = {
  config: { type: 'string', short: 'c' },
  ...OUTPUT_FLAGS,
} as const satisfies Record<string, OptionSpec>;

export const SELECTION_FLAGS = {
  only: { type: 'string', multiple: true },
  offline: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

/** What decides how a stale asset is made: `build` and `plan` take the same, so they never disagree. */
export const DECISION_FLAGS = {
  force: { type: 'boolean' },
  regenerate: { type: 'boolean' },
  'resend-unanswered': { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

export function decisionOptions(flags: ParsedFlags): { force: boolean; regenerate: boolean; resendUnanswered: boolean } {
  return { force: flags.force === true, regenerate: flags.regenerate === true, resendUnanswered: flags['resend-unanswered'] === true };
}

const HELP = {
  config: '--config PATH       use this config file instead of finding kieaudio.config.yaml upwards',
  concurrency: "--concurrency N     most tasks in flight at once (default: the config's concurrency, 8)",
  'concurrency-ffmpeg': '--concurrency N     most ffmpeg runs at once (default: the number of cores)',
  only: "--only PATTERN      only assets whose id or out path matches (glob; repeatable); a line's declared id takes all its languages and voices, '*@de' every German output, a scene file's id or out its lines",
  'only-check':
    '--only PATTERN      only assets and scene files whose id or out path matches (glob; repeatable); a scene file also when one of its lines matches',
  force: '--force             replace outputs that were edited by hand or not made by kieaudio',
  regenerate: '--regenerate        ignore the cache and pay for a new take of the selected assets',
  frozen: '--frozen            change nothing, call nothing: exit 3 if anything is not up to date (for CI)',
  offline: '--offline           use the built-in simulator: audible placeholders, no key, no network, no credits',
  json: '--json              one JSON object per line on stdout (human messages go to stderr)',
  quiet: '--quiet, -q         print only problems and the summary',
  verbose: '--verbose           print every decision and task state',
  help: '--help, -h          show this help',
  cache: '--cache             also delete cache entries no asset or lock entry uses',
  'dry-run': '--dry-run           say what would be deleted, delete nothing',
  'resend-unanswered':
    '--resend-unanswered send again the create requests that got no answer (each may have been charged: check the kie.ai dashboard first)',
  'max-credits':
    '--max-credits N     the most credits this build may spend on new tasks (overrides budget.maxCredits): over the estimate, exit 4 before anything is sent',
  'max-credits-plan': '--max-credits N     show the estimates against this budget (overrides budget.maxCredits)',
  'remote-cache-read-only': '--remote-cache-read-only  use the team cache (cache.remote) but never upload to it (CI on pull requests)',
  'no-wait': '--no-wait           fail at once (exit 1) if another build is running in this project, instead of waiting',
  'force-take': '--force             replace the file at out even if it was edited by hand or not made by kieaudio',
} as const;

export function pick(...keys: (keyof typeof HELP)[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, HELP[k]]));
}

export const COMMON_HELP = pick('config', 'json', 'quiet', 'verbose', 'help');

export function commonOptions(flags: ParsedFlags) {
  return {
    ...(flags.config !== undefined ? { configPath: flags.config } : {}),
    ...(flags.only !== undefined ? { only: flags.only } : {}),
    offline: flags.offline === true,
  };
}

export function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new KieaudioError('E_USAGE', `--concurrency expects a whole number from 1 to ${MAX_CONCURRENCY}, found "${value}"`);
  }
  return n;
}

/** --max-credits: a number of credits, 0 or more (0: nothing that costs may be sent). */
export function parseMaxCredits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new KieaudioError('E_USAGE', `--max-credits expects a number of credits, 0 or more, found "${value}"`);
  }
  return n;
}

/** `pin ID TAKE`: a take number, 1 or more. */
export function parseTake(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new KieaudioError('E_USAGE', `TAKE expects a take number (1, 2, …: kieaudio takes ID lists them), found "${value}"`);
  return n;
}
