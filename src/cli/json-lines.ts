/**
 * Every line `--json` prints, as zod schemas: the build and watch events, each command's result,
 * and errors. Each line carries `v`, the version of this format, so a consumer can tell a format
 * it knows from one it does not. schemas/kieaudio.events.schema.json is generated from here.
 *
 * `v` changes only when a field is removed, renamed or changes meaning. New line types and new
 * optional fields may appear within a version; consumers should ignore what they do not know.
 */
import { z } from 'zod';
import { BuildEventSchemas, DiagnosticSchema, WatchEventSchemas } from '../events.js';
import { CHECK_PROBLEM_KINDS } from '../plan/check-rules.js';

import { JSON_LINES_VERSION } from './json-line-text.js';

export { JSON_LINES_VERSION, toJsonLine } from './json-line-text.js';

const line = <T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape }).describe(description);

const StaleAssetSchema = z.strictObject({
  asset: z.string(),
  out: z.string(),
  action: z.string().describe('what a build would do: restore, generate, resume, adopt'),
  reason: z.string(),
});

const CommandLineSchemas = [
  line('planned-scene', "plan --json: what a build would do with a scene's scene file (`out` on a scene), and why", {
    asset: z
      .string()
      .describe("the scene file's id: the scene's id, or `<scene id>@<lang>` for one language's file ({lang} in the scene's out)"),
    out: z.string().describe('the scene file, relative to outDir'),
    action: z.enum(['up-to-date', 'build', 'keep-modified']),
    reason: z.string().describe('"line 2 changed", "gap changed", "scene file missing"…'),
  }),
  line('status', 'status --json: one line per asset and per orphaned output', {
    asset: z.string().optional().describe('absent for orphaned outputs'),
    out: z.string(),
    status: z.enum(['up to date', 'stale', 'missing', 'modified by hand', 'placeholder', 'maybe charged', 'orphaned']),
    reason: z.string().optional(),
    intact: z.boolean().optional().describe('orphans: the file still holds what kieaudio wrote'),
  }),
  line('clean', 'clean --json: what was (or, with dryRun, would be) removed', {
    removed: z.array(z.string()),
    keptModified: z.array(z.string()).describe('orphans left because they were edited since kieaudio wrote them'),
    forgotten: z.array(z.string()).describe('lock entries dropped whose file was already gone'),
    cacheEntriesRemoved: z.number().int(),
    tempFilesRemoved: z
      .number()
      .int()
      .optional()
      .describe('temp files killed builds left in output folders and the cache; present when there were any'),
    unansweredForgotten: z
      .number()
      .int()
      .optional()
      .describe(
        'unanswered create requests forgotten whose spec no asset declares any more (each may have been charged); present when there were any',
      ),
    dryRun: z.boolean(),
  }),
  line('init', 'init --json: the files written', { written: z.array(z.string()) }),
  line('export', "export strings --json: the translators' CSV written", {
    what: z.literal('strings'),
    rows: z.number().int().describe('lines exported (rows after the header)'),
    out: z.string().optional().describe('the file written (--out), as given'),
    csv: z.string().optional().describe('without --out: the CSV itself'),
  }),
  line('takes', "takes --json: an asset's takes (every paid generation of its current spec), oldest first", {
    asset: z.string(),
    out: z.string(),
    specHash: z.string(),
    takes: z.array(
      z.strictObject({
        take: z.number().int().describe('numbered from 1, the oldest, per spec'),
        contentHash: z.string().describe("SHA-256 of the take's audio"),
        size: z.number().int(),
        generatedAt: z.string().optional().describe('when its task was created (ISO), when known'),
        taskId: z.string().optional(),
        credits: z.number().optional().describe('what the API said the task consumed, when it said'),
        placeholder: z.boolean().describe('an --offline placeholder (never in the cache, never pinnable)'),
        current: z.boolean().describe('installed at out now'),
        pinned: z.boolean().describe('pinned in the lock'),
        missing: z.boolean().describe('its audio is no longer in the cache (deleted or damaged)'),
      }),
    ),
  }),
  line('pin', 'pin --json: the take installed at out and pinned', {
    asset: z.string(),
    out: z.string(),
    take: z.number().int(),
  }),
  line('unpin', 'unpin --json: the pin dropped, and the take now at out', {
    asset: z.string(),
    out: z.string(),
    take: z.number().int().optional().describe('the take at out now (the newest the cache has); absent when none is'),
    released: z.number().int().optional().describe('the take that was pinned; absent when none was'),
  }),
  line('estimate', 'plan --json: the last line; what the generate items are expected to cost (docs/budgets.md)', {
    total: z.number().describe('credits, summed over the assets a build would pay for (one per spec)'),
    assets: z.number().int().describe('the tasks a build would create'),
    fromLock: z.number().int().describe('of those, priced from what the lock records for the model (scaled by size)'),
    fromTable: z.number().int().describe('of those, priced from the documented table: the lock has no price for the model yet'),
    maxCredits: z.number().optional().describe('the budget (--max-credits, budget.maxCredits), when there is one'),
    over: z.boolean().optional().describe('the total is over the budget: kieaudio build would refuse with exit 4'),
  }),
  line('credits', "credits --json: the account's remaining credits, and what the project is expected to cost", {
    credits: z.number(),
    rebuild: z
      .number()
      .optional()
      .describe('the estimated credits of regenerating every asset (one task per spec), when the project could be read'),
    stale: z.number().optional().describe('the estimated credits of what a build would generate now'),
    staleAssets: z.number().int().optional().describe('the tasks a build would create now'),
  }),
  line('report', 'report --json: the review page written', {
    page: z.string().describe('index.html, relative to the working directory'),
    rows: z.number().int().describe('outputs on the page'),
  }),
  line(
    'check',
    'check --json: one line per asset checked, then one per scene file, with what was measured of the file at out and every problem found',
    {
      asset: z.string().describe("the asset's id; for a scene file, the scene file's id as plan --json's planned-scene names it"),
      out: z.string(),
      scene: z.literal(true).optional().describe('present on a scene file (a scene with out), absent on an asset'),
      ok: z.boolean().describe('no problem found'),
      measured: z
        .strictObject({
          loudness: z.number().nullable().describe('integrated loudness, LUFS; null when nothing passed the gate'),
          truePeak: z.number().nullable().describe('dBTP; null for digital silence'),
          durationSeconds: z.number(),
          leadingSilenceSeconds: z.number(),
          trailingSilenceSeconds: z.number(),
        })
        .optional()
        .describe('absent when the file is missing or could not be decoded'),
      problems: z.array(
        z.strictObject({
          what: z.enum(CHECK_PROBLEM_KINDS),
          message: z.string().describe('for people: what is wrong, measured against the limit'),
          measured: z.number().nullable().optional().describe('in unit; null when there was nothing to measure'),
          limit: z.number().optional().describe('the limit broken, in unit (loudness: the target)'),
          unit: z.string().optional().describe('LUFS, dBTP, dBFS, ms, s, LU or chars/s'),
        }),
      ),
    },
  ),
  line('check-summary', 'check --json: the last line; exit code 1 when failed > 0', {
    checked: z.number().int().describe('files checked: assets and scene files'),
    failed: z.number().int().describe('files (assets and scene files) with at least one problem'),
    problems: z.number().int(),
  }),
  line(
    'error',
    'the command failed; the exit code says how (2 invalid input or usage, 3 --frozen found work, 4 over budget, 1 otherwise, 130 interrupted)',
    {
      code: z.string().describe('stable error code, e.g. E_VALIDATION, E_FROZEN, E_NO_API_KEY'),
      message: z.string().describe('for people; may span several lines'),
      diagnostics: z.array(DiagnosticSchema).optional().describe('E_VALIDATION: every problem, with file:line:col'),
      stale: z.array(StaleAssetSchema).optional().describe('E_FROZEN: every asset that is not up to date, and why'),
      path: z
        .string()
        .optional()
        .describe('E_IO: the file or folder that could not be used (relative to the working directory when inside it)'),
      errno: z.string().optional().describe('E_IO, E_NETWORK: the system error code, e.g. EACCES, ENOSPC, ECONNREFUSED'),
      url: z.string().optional().describe('API errors: the origin of the server that failed (never the key, never a query)'),
      estimate: z.number().optional().describe('E_BUDGET: the estimated credits of what the build would generate'),
      maxCredits: z.number().optional().describe('E_BUDGET: the budget it is over'),
      largest: z
        .array(z.strictObject({ asset: z.string(), out: z.string(), credits: z.number() }))
        .optional()
        .describe('E_BUDGET: the largest estimates, largest first'),
    },
  ),
] as const;

/** What a command hands to the output: a line without its version. */
const JsonLinePayloadSchema = z.discriminatedUnion('type', [...BuildEventSchemas, ...WatchEventSchemas, ...CommandLineSchemas]);

export type JsonLinePayload = z.infer<typeof JsonLinePayloadSchema>;
export type ErrorLine = Extract<JsonLinePayload, { type: 'error' }>;

const VersionSchema = z.literal(JSON_LINES_VERSION).describe('the version of this line format');

/** Each line type with `v` first, in the order they are documented (the JSON Schema's source). */
export const JsonLineSchemas = [...BuildEventSchemas, ...WatchEventSchemas, ...CommandLineSchemas].map((schema) =>
  z.strictObject({ v: VersionSchema, ...schema.shape }).describe(schema.description ?? ''),
);

export type JsonLine = JsonLinePayload & { v: typeof JSON_LINES_VERSION };

/** One printed line back into a typed value; throws on anything the format does not allow. */
export function parseJsonLine(text: string): JsonLine {
  const { v, ...payload } = z.looseObject({ v: VersionSchema }).parse(JSON.parse(text));
  return { v, ...JsonLinePayloadSchema.parse(payload) };
}
