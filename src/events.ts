/**
 * What a build and a watch report as they go. The CLI renders these for people (terminal) or
 * machines (`--json`, one event per line); library users get them through `onEvent`.
 *
 * The zod schemas are the source of truth: the TypeScript types are inferred from them, and
 * schemas/kieaudio.events.schema.json is generated from them, so the documentation of the JSON
 * lines cannot drift from what the code emits. Objects are strict: a field added here without a
 * schema change fails the tests that validate real output.
 */
import { z } from 'zod';
import type { Diagnostic } from './errors.js';

export const ActionTypeSchema = z
  .enum(['up-to-date', 'adopt', 'restore', 'resume', 'generate', 'hold', 'keep-modified'])
  .describe(
    'what the build does with the asset: up-to-date (nothing), adopt (the file already holds the cached result; only the lock changes), restore (copy from the cache or another output; free), resume (poll a task an earlier build paid for), generate (create a task: costs credits), hold (would generate, but an earlier create request for the same spec got no answer and may have been charged: not sent again without --resend-unanswered), keep-modified (a file kieaudio did not write is left alone)',
  );

export type ActionType = z.infer<typeof ActionTypeSchema>;

const assetRef = {
  asset: z.string().describe("the asset's id"),
  out: z.string().describe('its output path, relative to outDir'),
};

const AssetRefSchema = z.strictObject(assetRef);

const location = {
  file: z.string().describe('the file, relative to the working directory'),
  line: z.number().int().describe('1-based'),
  col: z.number().int().describe('1-based'),
};

export const BuildSummarySchema = z.strictObject({
  generated: z.number().int().describe('assets generated through the API (or as --offline placeholders)'),
  restored: z.number().int().describe('assets restored from the cache or another output, or adopted: no API call'),
  upToDate: z.number().int(),
  failed: z.number().int(),
  kept: z.number().int().describe('hand-edited or foreign files left alone'),
  notStarted: z.number().int().describe('assets not started because the build stopped early (no credits, interrupted, auth)'),
  held: z
    .number()
    .int()
    .describe(
      'assets not generated because an earlier create request for the same spec got no answer and may have been charged (--resend-unanswered sends them)',
    ),
  orphans: z.number().int().describe('lock entries whose asset is no longer declared'),
  creditsUsed: z.number().describe('credits the API reported for this build (0 for --offline)'),
  possibleDuplicateCharges: z.number().int().describe('create requests whose fate is unknown: each may be a charge with no result'),
  placeholders: z.boolean().describe('the build wrote --offline placeholders'),
  durationMs: z.number(),
});

export type BuildSummary = z.infer<typeof BuildSummarySchema>;

const event = <T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape }).describe(description);

export const BuildEventSchemas = [
  event('planned', 'what the build decided for one asset, and why (plan decided; work actions are queued)', {
    ...assetRef,
    action: ActionTypeSchema,
    reason: z.string().describe('for people: "new", "text changed", "output missing, restoring from cache"…'),
    file: location.file.optional().describe('where the asset is declared (plan --json)'),
    line: location.line.optional(),
    col: location.col.optional(),
  }),
  event('submitted', 'a task was created for the asset (it is paid for from here on)', {
    ...assetRef,
    taskId: z.string(),
    model: z.string(),
  }),
  event('state', "the task's state as the API reported it (waiting, queuing, generating, success, fail)", {
    ...assetRef,
    taskId: z.string(),
    state: z.string(),
  }),
  event('generated', 'the result was downloaded, checked and installed at out', {
    ...assetRef,
    taskId: z.string(),
    bytes: z.number().int(),
    credits: z.number().optional().describe('what the API charged, when it said'),
    placeholder: z.boolean().describe('an --offline placeholder, not real audio'),
  }),
  event('restored', 'the asset was copied from the cache or another output: no API call, no credits', {
    ...assetRef,
    from: z.string().describe('"cache", or the out path it was copied from'),
    bytes: z.number().int(),
  }),
  event('adopted', 'the file at out already held the cached result: only the lock was updated', assetRef),
  event(
    'held',
    'not generated: an earlier create request for this spec got no answer, so a task may exist and be billed; --resend-unanswered sends it again',
    {
      ...assetRef,
      sentAt: z.string().optional().describe('when that request was sent (ISO), when known'),
      reason: z.string(),
    },
  ),
  event('kept', 'a file kieaudio did not write (or that was edited since) was left alone (skipped)', {
    ...assetRef,
    reason: z.string(),
  }),
  event('failed', 'the asset could not be generated, downloaded or restored (the rest of the build goes on)', {
    ...assetRef,
    code: z.string().describe('stable error code, e.g. E_TASK_FAILED, E_DOWNLOAD'),
    message: z.string(),
    taskId: z.string().optional(),
    maybeCharged: z.boolean().optional().describe('the task may exist and be billed although no answer said so'),
    notStarted: z
      .boolean()
      .optional()
      .describe('never submitted: the build stopped submitting (no credits left); counted in the summary as notStarted'),
    credits: z
      .number()
      .optional()
      .describe('what the task cost although its result could not be installed yet (the next build downloads it without paying again)'),
  }),
  event('retry', 'a request that will be tried again after delayMs (a 429, a network error, a 5xx…)', {
    operation: z.enum(['create', 'poll', 'download']),
    code: z.string(),
    message: z.string(),
    attempt: z.number().int(),
    delayMs: z.number(),
    asset: assetRef.asset.optional(),
    out: assetRef.out.optional(),
  }),
  event('interrupted', 'the build stopped early (Ctrl-C, no credits, bad key); these tasks stay in the journal', {
    reason: z.string(),
    inFlight: z.array(AssetRefSchema.extend({ taskId: z.string() })),
  }),
  event('waiting-for-lock', "another kieaudio process holds the project's build lock", {
    pid: z.number().int(),
    host: z.string(),
    since: z.string(),
  }),
  event('warning', 'something worth knowing that does not stop the build', {
    code: z.string(),
    message: z.string(),
    file: location.file.optional(),
    line: location.line.optional(),
    col: location.col.optional(),
    asset: z.string().optional(),
  }),
  event('summary', 'the last event of a build: counts and credits', BuildSummarySchema.shape),
] as const;

export const BuildEventSchema = z.discriminatedUnion('type', BuildEventSchemas);

export type BuildEvent = z.infer<typeof BuildEventSchema>;

export const DiagnosticSchema = z.strictObject({
  ...location,
  severity: z.enum(['error', 'warning']),
  code: z.string().describe('stable machine code, e.g. E_RANGE, E_UNKNOWN_KEY'),
  asset: z.string().optional().describe('asset id, or #<index> when it has no usable id'),
  field: z.string().optional().describe('dotted path of the field, e.g. stability, defaults.voice.speed'),
  message: z.string().describe('what was expected and what was found'),
});

const FileChangeSchema = z.strictObject({
  file: z.string().describe('relative to the working directory'),
  change: z.enum(['added', 'changed', 'removed']),
});

export type FileChange = z.infer<typeof FileChangeSchema>;

export const OrphanEventSchema = event('orphan', 'a lock entry whose asset is no longer declared (kieaudio clean removes the file)', {
  out: assetRef.out,
  intact: z.boolean().describe('the file still holds what kieaudio wrote, so clean may delete it'),
  exists: z.boolean().optional(),
});

export const WatchEventSchemas = [
  event('watching', 'watch mode is watching these files for changes (again after the config changes what it includes)', {
    config: z.string().describe('the config file, relative to the working directory'),
    specFiles: z.number().int().describe('spec files matched by include right now'),
  }),
  event('rebuild', 'watch mode starts a build: the first one (n 0, no changes) or one for a burst of changes', {
    n: z.number().int().describe('0 for the first build, then 1, 2…'),
    at: z.string().describe('ISO time'),
    changes: z.array(FileChangeSchema),
  }),
  event(
    'rebuild-queued',
    'changes seen while a build runs: they are built when it ends (a running build is never cancelled: its tasks are paid for)',
    {
      at: z.string().describe('ISO time'),
      changes: z.array(FileChangeSchema),
    },
  ),
  event(
    'rebuild-error',
    'a build in watch mode could not run (invalid input, no key…); watch mode keeps the last good state and waits for a fix',
    {
      n: z.number().int(),
      code: z.string(),
      message: z.string(),
      diagnostics: z.array(DiagnosticSchema).optional().describe('for invalid config or spec files: every problem, with file:line:col'),
    },
  ),
  OrphanEventSchema,
] as const;

export const WatchEventSchema = z.discriminatedUnion('type', [...BuildEventSchemas, ...WatchEventSchemas]);

/** What `watch()` reports: every build's events plus its own. */
export type WatchEvent = z.infer<typeof WatchEventSchema>;

// The schemas restate types that live elsewhere; these fail to compile if the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const diagnosticsAgree: Same<z.infer<typeof DiagnosticSchema>, Diagnostic> = true;
void diagnosticsAgree;
