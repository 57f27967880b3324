/**
 * The --json line format: the committed schema is generated from the zod schemas the code uses,
 * and it accepts exactly the lines it documents.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_LINES_VERSION, type JsonLinePayload, JsonLineSchemas, parseJsonLine, toJsonLine } from '../src/cli/json-lines.js';
import { type BuildEvent, BuildEventSchema, WatchEventSchema } from '../src/events.js';
import { EVENTS_SCHEMA_FILE, eventsJsonSchema, schemaFileText } from '../src/schema/json-schema.js';
import { validateJson } from './helpers/mini-validator.js';
import { REPO_ROOT } from './helpers/repo.js';
import { summaryEvent } from './helpers/summary.js';

const schema = eventsJsonSchema();
const valid = (value: unknown) => validateJson(schema, value, schema);

/** One of each line type, as the code builds them. */
const SAMPLES: JsonLinePayload[] = [
  { type: 'planned', asset: 'a', out: 'a.mp3', action: 'generate', reason: 'new' },
  { type: 'planned', asset: 'a', out: 'a.mp3', action: 'generate', reason: 'new', estimate: 1.25 },
  { type: 'budget', maxCredits: 100, estimate: 12.5, over: false, largest: [{ asset: 'a', out: 'a.mp3', credits: 12.5 }] },
  { type: 'planned', asset: 'a', out: 'a.mp3', action: 'up-to-date', reason: 'up to date', file: 'audio/a.audio.yaml', line: 2, col: 5 },
  { type: 'submitted', asset: 'a', out: 'a.mp3', taskId: 't1', model: 'elevenlabs/sound-effect-v2' },
  { type: 'state', asset: 'a', out: 'a.mp3', taskId: 't1', state: 'generating' },
  { type: 'generated', asset: 'a', out: 'a.mp3', taskId: 't1', bytes: 100, credits: 12, placeholder: false },
  { type: 'generated', asset: 'a', out: 'a.mp3', taskId: 't1', bytes: 100, placeholder: true },
  { type: 'generated', asset: 'a', out: 'a.mp3', taskId: 't1', bytes: 100, placeholder: false, origin: 'recovered' },
  { type: 'restored', asset: 'a', out: 'a.mp3', from: 'cache', bytes: 100 },
  { type: 'remote', asset: 'a', out: 'a.mp3', op: 'hit', what: 'take' },
  { type: 'adopted', asset: 'a', out: 'a.mp3' },
  {
    type: 'scene',
    asset: 'mine.entrance',
    out: 'mine/scene.ogg',
    from: 'ffmpeg',
    lines: 3,
    durationSeconds: 7.5,
    bytes: 4096,
    subtitles: ['mine/scene.srt'],
  },
  { type: 'processed', asset: 'a', out: 'a.ogg', from: 'ffmpeg', loudness: -23.02, truePeak: -1.4, durationSeconds: 1.5, bytes: 24000 },
  { type: 'processed', asset: 'b', out: 'b.wav', from: 'derived-cache', loudness: null, truePeak: null, durationSeconds: 0.2, bytes: 9000 },
  { type: 'sidecars', asset: 'a', out: 'a.mp3', written: ['a.srt'], removed: [], timings: 'cache', alone: true },
  {
    type: 'held',
    asset: 'a',
    out: 'a.mp3',
    sentAt: '2026-01-01T00:00:00.000Z',
    reason: 'maybe charged (no answer at 2026-01-01T00:00:00.000Z)',
  },
  { type: 'kept', asset: 'a', out: 'a.mp3', reason: 'edited by hand; left alone' },
  { type: 'failed', asset: 'a', out: 'a.mp3', code: 'E_TASK_FAILED', message: 'failed', taskId: 't1', maybeCharged: false },
  { type: 'retry', operation: 'poll', code: 'E_NETWORK', message: 'reset', attempt: 1, delayMs: 500, asset: 'a', out: 'a.mp3' },
  { type: 'retry', operation: 'create', code: 'E_API_RATE_LIMIT', message: '429', attempt: 2, delayMs: 5000 },
  { type: 'interrupted', reason: 'interrupted', inFlight: [{ asset: 'a', out: 'a.mp3', taskId: 't1' }] },
  { type: 'waiting-for-lock', pid: 42, host: 'ci', since: '2026-01-01T00:00:00.000Z' },
  { type: 'warning', code: 'W_EFFECT_TEXT_LONG', message: 'long', file: 'a.yaml', line: 1, col: 1, asset: 'a' },
  summaryEvent({ generated: 1, upToDate: 2, creditsUsed: 12, durationMs: 1234 }),
  { type: 'watching', config: 'kieaudio.config.yaml', specFiles: 4 },
  { type: 'rebuild', n: 1, at: '2026-01-01T00:00:00.000Z', changes: [{ file: 'audio/a.audio.yaml', change: 'changed' }] },
  { type: 'rebuild-queued', at: '2026-01-01T00:00:00.000Z', changes: [{ file: 'audio/a.audio.yaml', change: 'added' }] },
  {
    type: 'rebuild-error',
    n: 2,
    code: 'E_VALIDATION',
    message: '1 problem',
    diagnostics: [
      { file: 'a.yaml', line: 5, col: 16, severity: 'error', code: 'E_RANGE', asset: 'a', field: 'stability', message: 'expected…' },
    ],
  },
  { type: 'orphan', out: 'old.mp3', intact: true, exists: true },
  { type: 'planned-scene', asset: 's', out: 's.ogg', action: 'build', reason: 'gap changed' },
  { type: 'status', asset: 'a', out: 'a.mp3', status: 'stale', reason: 'text changed' },
  { type: 'status', out: 'old.mp3', status: 'orphaned', intact: true },
  { type: 'clean', removed: ['old.mp3'], keptModified: [], forgotten: [], cacheEntriesRemoved: 0, dryRun: false },
  { type: 'init', written: ['kieaudio.config.yaml'] },
  { type: 'export', what: 'strings', rows: 2, out: 'l10n/strings.csv' },
  { type: 'export', what: 'strings', rows: 1, csv: 'id,speaker,notes,text\na,,,Hi\n' },
  {
    type: 'takes',
    asset: 'a',
    out: 'a.mp3',
    specHash: 'a'.repeat(64),
    takes: [
      {
        take: 1,
        contentHash: 'b'.repeat(64),
        size: 10,
        generatedAt: '2026-12-04T23:41:02.118Z',
        taskId: 't1',
        credits: 3,
        placeholder: false,
        current: false,
        pinned: false,
        missing: true,
      },
      { take: 2, contentHash: 'c'.repeat(64), size: 12, placeholder: false, current: true, pinned: true, missing: false },
    ],
  },
  { type: 'pin', asset: 'a', out: 'a.mp3', take: 1 },
  { type: 'unpin', asset: 'a', out: 'a.mp3', take: 2, released: 1 },
  { type: 'report', page: '.kieaudio/report/index.html', rows: 12 },
  { type: 'credits', credits: 99.5 },
  { type: 'credits', credits: 99.5, rebuild: 420, stale: 12.5, staleAssets: 3 },
  { type: 'estimate', total: 12.5, assets: 3, fromLock: 2, fromTable: 1, maxCredits: 10, over: true },
  {
    type: 'check',
    asset: 'a',
    out: 'a.wav',
    ok: false,
    measured: { loudness: -2, truePeak: 0.1, durationSeconds: 1, leadingSilenceSeconds: 0, trailingSilenceSeconds: 0 },
    problems: [{ what: 'clipped', message: 'clipped: true peak 0.10 dBTP > -0.1 dBTP', measured: 0.1, limit: -0.1, unit: 'dBTP' }],
  },
  { type: 'check', asset: 'b', out: 'b.wav', ok: false, problems: [{ what: 'missing', message: 'missing: no file at out' }] },
  { type: 'check-summary', checked: 2, failed: 2, problems: 2 },
  {
    type: 'error',
    code: 'E_FROZEN',
    message: '1 asset is not up to date',
    stale: [{ asset: 'a', out: 'a.mp3', action: 'generate', reason: 'new' }],
  },
  {
    type: 'error',
    code: 'E_BUDGET',
    message: 'over the budget',
    estimate: 120,
    maxCredits: 10,
    largest: [{ asset: 'a', out: 'a.mp3', credits: 100 }],
  },
];

describe('the --json line format', () => {
  it('schemas/kieaudio.events.schema.json is up to date', async () => {
    const committed = await readFile(join(REPO_ROOT, 'schemas', EVENTS_SCHEMA_FILE), 'utf8').catch(() => '(missing)');
    expect(committed === schemaFileText(schema), `schemas/${EVENTS_SCHEMA_FILE} is out of date: run npm run build && npm run schemas`).toBe(
      true,
    );
  });

  it('identifies itself and documents every line type', () => {
    expect(Object.keys(schema).slice(0, 3)).toEqual(['$schema', '$id', 'title']);
    expect(schema.title).toBe(`kieaudio --json lines, v${JSON_LINES_VERSION}`);
    const types = JsonLineSchemas.map((s) => s.shape.type.value);
    expect(Object.keys(schema.$defs as object)).toEqual(types);
    expect(new Set(SAMPLES.map((s) => s.type))).toEqual(new Set(types));
    for (const def of Object.values(schema.$defs as Record<string, { description?: string; required?: string[] }>)) {
      expect(def.description).toBeTruthy();
      expect(def.required?.slice(0, 2)).toEqual(['v', 'type']);
    }
  });

  it.each(SAMPLES.map((s) => [s.type, s] as const))('a %s line is valid as printed', (_, sample) => {
    const line = toJsonLine(sample);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.startsWith(`{"v":${JSON_LINES_VERSION},"type":`)).toBe(true);
    expect(valid(JSON.parse(line))).toEqual([]);
    expect(parseJsonLine(line)).toEqual({ v: JSON_LINES_VERSION, ...sample });
  });

  it.each([
    ['no version', { type: 'adopted', asset: 'a', out: 'a.mp3' }],
    ['another version', { v: 2, type: 'adopted', asset: 'a', out: 'a.mp3' }],
    ['an unknown type', { v: 1, type: 'exploded' }],
    ['an undocumented field', { v: 1, type: 'adopted', asset: 'a', out: 'a.mp3', extra: true }],
    ['a missing field', { v: 1, type: 'submitted', asset: 'a', out: 'a.mp3', model: 'm' }],
    ['an unknown action', { v: 1, type: 'planned', asset: 'a', out: 'a.mp3', action: 'compile', reason: 'x' }],
  ])('%s is rejected by both', (_, value) => {
    expect(valid(value).length).toBeGreaterThan(0);
    expect(() => parseJsonLine(JSON.stringify(value))).toThrow();
  });

  it('build events are a subset of watch events', () => {
    const event: BuildEvent = { type: 'adopted', asset: 'a', out: 'a.mp3' };
    expect(BuildEventSchema.parse(event)).toEqual(WatchEventSchema.parse(event));
    expect(() => BuildEventSchema.parse({ type: 'watching', config: 'c', specFiles: 1 })).toThrow();
  });
});
