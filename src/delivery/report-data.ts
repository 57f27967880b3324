/**
 * What the review page shows, one row per declared output: gathered from the plan a build would
 * make now (status), the lock (loudness, pin), the cache (takes) and each output's measurements
 * (media-facts.ts: length and peaks, decoded once per content hash). Reads, except that takes
 * are copied next to the page and new measurements are kept in the cache.
 */
import { relative } from 'node:path';
import pLimit from 'p-limit';
import { KieaudioError } from '../errors.js';
import { planBuild, planOptions } from '../plan/decide.js';
import { gatherState } from '../plan/gather.js';
import type { Project } from '../project.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import type { OutputState } from '../store/stat-index.js';
import { compareIds } from './manifest-rows.js';
import type { MediaFacts, MediaFactsStore } from './media-facts.js';
import { type ReviewTake, reviewTakes } from './report-takes.js';
import { type ReviewStatus, reviewStatus } from './review-status.js';

export interface ReviewRow {
  id: string;
  kind: string;
  /** relative to the config's folder */
  out: string;
  /** the output, relative to the page; null when missing */
  src: string | null;
  text: string | null;
  speaker: string | null;
  language: string | null;
  /** what is sent to the API (`input`) and the model */
  model: string;
  params: Record<string, unknown>;
  status: ReviewStatus;
  reason: string;
  durationSeconds: number | null;
  loudnessLufs: number | null;
  truePeakDb: number | null;
  peaks: number[];
  takes: ReviewTake[];
}

export interface ReviewOptions {
  reportDir: string;
  media: MediaFactsStore;
  /** ids of the assets the build that refreshes the page failed */
  failed?: ReadonlySet<string>;
  signal?: AbortSignal | undefined;
}

/** Outputs read, measured and copied at once. */
const ROW_CONCURRENCY = 8;

export async function reviewRows(project: Project, store: ProjectStore, options: ReviewOptions): Promise<ReviewRow[]> {
  const gathered = await gatherState(project, store, project.assets, { baseUrl: project.config.api.baseUrl, offline: false });
  const plan = planBuild(gathered.facts, store.lock, gathered.orphanOutputs, planOptions({}));
  const outputs = new Map(gathered.facts.map((f) => [f.asset.out, f.output]));
  const limit = pLimit(ROW_CONCURRENCY);
  const rows = await Promise.all(
    plan.items.map((item) => limit(() => reviewRow(project, store, item, outputs.get(item.asset.out) ?? { exists: false }, options))),
  );
  return rows.sort((a, b) => compareIds(a.id, b.id));
}

async function reviewRow(
  project: Project,
  store: ProjectStore,
  item: Parameters<typeof reviewStatus>[0],
  output: OutputState,
  options: ReviewOptions,
): Promise<ReviewRow> {
  const { asset } = item;
  const entry = store.lock.assets[asset.out];
  const file = outputPath(project, asset.out);
  const playable = output.exists && output.contentHash !== undefined;
  const facts = playable ? await measured(options, output.contentHash, file) : undefined;
  const ours = entry !== undefined && playable && entry.contentHash === output.contentHash;
  const status = reviewStatus(item, {
    pinned: entry?.pinned !== undefined,
    failed: options.failed?.has(asset.id) === true,
    exists: playable,
  });
  return {
    id: asset.id,
    kind: asset.kind,
    out: posix(relative(project.config.rootDir, file)),
    src: playable ? posix(relative(options.reportDir, file)) : null,
    text: asset.writtenText ?? (typeof asset.input.text === 'string' ? asset.input.text : null),
    speaker: asset.speaker ?? null,
    language: asset.language ?? null,
    model: asset.model,
    params: asset.input,
    status,
    reason: item.reason,
    durationSeconds: facts?.durationSeconds ?? null,
    loudnessLufs: ours ? (entry.post?.measured.loudness ?? null) : null,
    truePeakDb: ours ? (entry.post?.measured.truePeak ?? null) : null,
    peaks: facts?.peaks ?? [],
    takes: await reviewTakes(store, item, output, options.reportDir),
  };
}

/** A file ffmpeg cannot decode (a hand edit gone wrong) is shown without length or waveform, not a failed page. */
async function measured(options: ReviewOptions, sha256: string, file: string): Promise<MediaFacts | undefined> {
  try {
    return await options.media.measure(sha256, file, options.signal);
  } catch (error) {
    if (error instanceof KieaudioError && error.code === 'E_FFMPEG_FAILED') return undefined;
    throw error;
  }
}

function posix(path: string): string {
  return path.split('\\').join('/');
}
