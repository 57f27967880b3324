/**
 * Writing an asset's sidecars once its audio is in place: the `.timings.json` and the subtitle
 * files the plan decided on (plan/sidecar-plan.ts), each written atomically like audio, from the
 * timing data of the result or kept locally (timing-source.ts); those no longer asked for are
 * removed while they hold what kieaudio wrote. The lock entry records what was written, so that
 * status tells hand edits apart and a no-op build only stats them. Never an API call: a line that
 * came back without timing data still gets its files, with one cue spanning the audio, and a
 * warning.
 */
import { rm } from 'node:fs/promises';
import type { PlannedAsset } from '../plan/decide.js';
import type { ResolvedAsset } from '../project.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { LockEntry } from '../store/lock-file.js';
import { outputPath } from '../store/project-store.js';
import { sha256Hex } from '../store/sha256.js';
import { alignWrittenWords, buildCues } from '../timings/cues.js';
import { shiftTimings } from '../timings/shift.js';
import type { Sidecar } from '../timings/sidecar-paths.js';
import { TIMINGS_DOC_VERSION, type TimingsDoc, timingsDocText } from '../timings/timings-doc.js';
import type { BuildContext } from './context.js';
import { writtenTextOf } from './records.js';
import { localTimings, type TimingSource } from './timing-source.js';

/**
 * Writes and removes the item's sidecars as planned and records them in its lock entry, which
 * the audio's install has just written (or, `alone`, which is up to date). `fresh`: the timing
 * data of the result just generated.
 */
export async function installSidecars(ctx: BuildContext, item: PlannedAsset, fresh?: TimingsDoc, alone = false): Promise<void> {
  const plan = item.sidecars;
  const { asset } = item;
  const entry = ctx.lockWriter.lock.assets[asset.out];
  if (plan === undefined || entry === undefined || entry.specHash !== item.specHash) return;
  const record: Record<string, string> = { ...plan.recorded };
  let source: TimingSource | undefined;
  if (plan.write.length > 0 || plan.claim.length > 0) {
    source = fresh === undefined ? await localTimings(ctx, item, entry.post?.raw ?? entry.contentHash) : { doc: fresh, origin: 'result' };
    // a processed output's timing data is its raw take's, moved by what trimming removed (timings/shift.ts)
    if (entry.post !== undefined)
      source = { ...source, doc: shiftTimings(source.doc, entry.post.trimmedStart ?? 0, entry.post.measured.duration) };
    for (const { sidecar, text } of await sidecarFiles(asset, source.doc, plan.write)) {
      await writeFileAtomic(outputPath(ctx.project, sidecar.out), text);
      ctx.store.statIndex.forget(sidecar.out);
      record[sidecar.out] = sha256Hex(text);
    }
    for (const { sidecar, text } of await sidecarFiles(asset, source.doc, plan.claim)) {
      const ours = sha256Hex(text);
      record[sidecar.out] = ours;
      const found = plan.claim.find((c) => c.out === sidecar.out)?.contentHash;
      if (found !== ours)
        warnKept(ctx, asset, `${sidecar.out} exists but was not made by kieaudio; left alone (use --force to replace it)`);
    }
    if (plan.write.length > 0 && source.doc.words.length === 0) warnNoTimings(ctx, asset, plan.write, source.origin === 'result');
  }
  // the audio is new but this file is someone's: kept, and said at build time, not only in the plan
  if (!alone) for (const kept of plan.keep) warnKept(ctx, asset, `${kept.out} ${kept.why}`);
  for (const dropped of plan.drop) {
    if (dropped.intact) await rm(outputPath(ctx.project, dropped.out), { force: true });
    ctx.store.statIndex.forget(dropped.out);
    delete record[dropped.out];
  }
  ctx.lockWriter.set(asset.out, withSidecars(entry, asset, record));
  if (plan.write.length === 0 && plan.drop.length === 0 && plan.claim.length === 0) return;
  ctx.emit({
    type: 'sidecars',
    asset: asset.id,
    out: asset.out,
    written: plan.write.map((s) => s.out),
    removed: plan.drop.filter((d) => d.intact).map((d) => d.out),
    ...(source === undefined ? {} : { timings: source.origin }),
    alone,
  });
}

/** The text of each sidecar, from one timing document: the words and cues carry the text as written. */
async function sidecarFiles(
  asset: ResolvedAsset,
  doc: TimingsDoc,
  write: readonly Sidecar[],
): Promise<Array<{ sidecar: Sidecar; text: string }>> {
  const text = asset.writtenText ?? String(asset.input.text ?? '');
  const words = alignWrittenWords(text, doc.words, doc.duration);
  const cues = buildCues(text, doc.words, doc.duration);
  const files: Array<{ sidecar: Sidecar; text: string }> = [];
  for (const sidecar of write) {
    if (sidecar.kind === 'timings') {
      files.push({ sidecar, text: timingsDocText({ v: TIMINGS_DOC_VERSION, text, duration: doc.duration, words, raw: doc.raw }) });
      continue;
    }
    // the subtitle library loads only when a subtitle file is written (see timings/formats.ts)
    const { subtitleText } = await import('../timings/subtitle-text.js');
    files.push({ sidecar, text: subtitleText(cues, sidecar.kind) });
  }
  return files;
}

/** The entry with the sidecars now there (no longer stale), and the text as written that they show. */
function withSidecars(entry: LockEntry, asset: ResolvedAsset, record: Record<string, string>): LockEntry {
  const { sidecars: _old, sidecarsStale: _stale, writtenText: _was, ...rest } = entry;
  const written = { ...rest, ...writtenTextOf(asset) };
  return Object.keys(record).length === 0 ? written : { ...written, sidecars: record };
}

function warnKept(ctx: BuildContext, asset: ResolvedAsset, message: string): void {
  ctx.emit({ type: 'warning', code: 'W_SIDECAR_KEPT', asset: asset.id, message });
}

function warnNoTimings(ctx: BuildContext, asset: ResolvedAsset, written: readonly Sidecar[], fromResult: boolean): void {
  const why = fromResult ? 'kie.ai returned no timing data with this result' : 'no timing data is kept for this result';
  const what = written.some((s) => s.kind !== 'timings')
    ? 'its subtitles are one cue spanning the audio'
    : 'its .timings.json has no words';
  ctx.emit({ type: 'warning', code: 'W_NO_TIMINGS', asset: asset.id, message: `${asset.out}: ${why}; ${what} (the asset itself is fine)` });
}
